"""Validation-relevant copies of the official SP-API model schemas.

Generated from /work/shared/spapi/models with ``schema.reduce`` (texts,
examples and ``x-`` extensions removed); ``tests/test_schema_copies.py`` checks
they are still identical to the models.
"""

ORDERS_V0 = {
    "ConfirmShipmentOrderItem": {
        "type": "object",
        "required": ["orderItemId", "quantity"],
        "properties": {
            "orderItemId": {"type": "string"},
            "quantity": {"type": "integer"},
            "transparencyCodes": {"$ref": "#/definitions/TransparencyCodeList"},
        },
    },
    "ConfirmShipmentOrderItemsList": {
        "type": "array",
        "items": {"$ref": "#/definitions/ConfirmShipmentOrderItem"},
    },
    "ConfirmShipmentRequest": {
        "type": "object",
        "required": ["marketplaceId", "packageDetail"],
        "properties": {
            "packageDetail": {"$ref": "#/definitions/PackageDetail"},
            "codCollectionMethod": {"type": "string", "enum": ["DirectPayment"]},
            "marketplaceId": {"$ref": "#/definitions/MarketplaceId"},
        },
    },
    "MarketplaceId": {"type": "string"},
    "PackageDetail": {
        "type": "object",
        "required": [
            "packageReferenceId",
            "carrierCode",
            "trackingNumber",
            "shipDate",
            "orderItems",
        ],
        "properties": {
            "packageReferenceId": {"$ref": "#/definitions/PackageReferenceId"},
            "carrierCode": {"type": "string"},
            "carrierName": {"type": "string"},
            "shippingMethod": {"type": "string"},
            "trackingNumber": {"type": "string"},
            "shipDate": {"type": "string", "format": "date-time"},
            "shipFromSupplySourceId": {"type": "string"},
            "orderItems": {"$ref": "#/definitions/ConfirmShipmentOrderItemsList"},
        },
    },
    "PackageReferenceId": {"type": "string"},
    "TransparencyCode": {"type": "string"},
    "TransparencyCodeList": {
        "type": "array",
        "items": {"$ref": "#/definitions/TransparencyCode"},
    },
}

FEEDS = {
    "CreateFeedDocumentSpecification": {
        "type": "object",
        "required": ["contentType"],
        "properties": {"contentType": {"type": "string"}},
    },
    "CreateFeedSpecification": {
        "type": "object",
        "required": ["inputFeedDocumentId", "feedType", "marketplaceIds"],
        "properties": {
            "feedType": {"type": "string"},
            "marketplaceIds": {
                "type": "array",
                "minItems": 1,
                "maxItems": 25,
                "items": {"type": "string"},
            },
            "inputFeedDocumentId": {"type": "string"},
            "feedOptions": {"$ref": "#/definitions/FeedOptions"},
        },
    },
    "FeedOptions": {"type": "object", "additionalProperties": {"type": "string"}},
}

LISTINGS = {
    "ListingsItemPatchRequest": {
        "properties": {
            "productType": {"type": "string"},
            "patches": {
                "type": "array",
                "items": {"$ref": "#/definitions/PatchOperation"},
                "minItems": 1,
            },
        },
        "required": ["productType", "patches"],
        "type": "object",
    },
    "PatchOperation": {
        "properties": {
            "op": {"enum": ["add", "replace", "merge", "delete"], "type": "string"},
            "path": {"type": "string"},
            "value": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": True},
            },
        },
        "required": ["op", "path"],
        "type": "object",
    },
}

REPORTS = {
    "CreateReportSpecification": {
        "type": "object",
        "required": ["marketplaceIds", "reportType"],
        "properties": {
            "reportOptions": {"$ref": "#/definitions/ReportOptions"},
            "reportType": {"type": "string"},
            "dataStartTime": {"type": "string", "format": "date-time"},
            "dataEndTime": {"type": "string", "format": "date-time"},
            "marketplaceIds": {
                "type": "array",
                "minItems": 1,
                "maxItems": 25,
                "items": {"type": "string"},
            },
        },
    },
    "ReportOptions": {"type": "object", "additionalProperties": {"type": "string"}},
}

LISTINGS_FEED = {
    "properties": {
        "header": {
            "properties": {
                "sellerId": {"type": "string"},
                "version": {"const": "2.0", "type": "string"},
                "issueLocale": {"type": "string"},
                "report": {
                    "properties": {
                        "includedData": {
                            "type": "array",
                            "minItems": 1,
                            "items": {
                                "type": "string",
                                "enum": [
                                    "summaries",
                                    "attributes",
                                    "issues",
                                    "offers",
                                    "fulfillmentAvailability",
                                    "procurement",
                                    "relationships",
                                    "productTypes",
                                ],
                            },
                        },
                        "apiVersion": {"type": "string", "enum": ["2021-08-01"]},
                    },
                    "required": ["includedData", "apiVersion"],
                    "type": "object",
                },
            },
            "required": ["sellerId", "version"],
            "type": "object",
        },
        "messages": {
            "minItems": 1,
            "maxItems": 25000,
            "items": {
                "properties": {
                    "messageId": {
                        "minimum": 1,
                        "type": "integer",
                        "maximum": 2147483647,
                    },
                    "sku": {"minLength": 1, "type": "string"},
                    "operationType": {
                        "enum": ["UPDATE", "PARTIAL_UPDATE", "PATCH", "DELETE"],
                        "type": "string",
                    },
                    "productType": {"minLength": 1, "type": "string"},
                    "requirements": {
                        "enum": [
                            "LISTING",
                            "LISTING_PRODUCT_ONLY",
                            "LISTING_OFFER_ONLY",
                        ],
                        "type": "string",
                    },
                    "attributes": {
                        "additionalProperties": True,
                        "minProperties": 1,
                        "type": "object",
                    },
                    "patches": {
                        "minItems": 1,
                        "items": {
                            "properties": {
                                "op": {
                                    "enum": ["add", "replace", "merge", "delete"],
                                    "type": "string",
                                },
                                "path": {"type": "string"},
                                "value": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "additionalProperties": True,
                                    },
                                },
                            },
                            "required": ["op", "path"],
                            "type": "object",
                        },
                        "type": "array",
                    },
                },
                "required": ["messageId", "sku", "operationType"],
                "oneOf": [
                    {
                        "properties": {
                            "operationType": {"const": "UPDATE", "type": "string"},
                            "patches": False,
                        },
                        "required": ["productType", "attributes"],
                    },
                    {
                        "properties": {
                            "operationType": {"const": "DELETE", "type": "string"},
                            "requirements": False,
                            "attributes": False,
                            "productType": False,
                            "patches": False,
                        }
                    },
                    {
                        "properties": {
                            "operationType": {
                                "const": "PARTIAL_UPDATE",
                                "type": "string",
                            },
                            "requirements": False,
                            "patches": False,
                        },
                        "required": ["productType", "attributes"],
                    },
                    {
                        "properties": {
                            "operationType": {"const": "PATCH", "type": "string"},
                            "requirements": False,
                            "attributes": False,
                        },
                        "required": ["productType", "patches"],
                    },
                ],
                "type": "object",
            },
            "type": "array",
        },
    },
    "required": ["header", "messages"],
    "type": "object",
}
