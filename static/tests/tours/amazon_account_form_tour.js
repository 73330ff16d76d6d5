import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("amazon_seller_connector_account_form", {
    url: "/odoo/amazon-accounts",
    steps: () => [
        {
            content: "Create a new Amazon account",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Name the account",
            trigger: ".o_field_widget[name=name] input",
            run: "edit Mein Shop auf Amazon.de",
        },
        {
            content: "The standard values are preselected",
            trigger: ".o_field_widget[name=payment_term_id] input:value(Amazon)",
        },
        {
            content: "The fallback article is preselected",
            trigger: ".o_field_widget[name=fallback_product_id] input:value(/AMZ-UNKNOWN/)",
        },
        {
            content: "The freight cost articles are there",
            trigger: ".o_field_widget[name=cod_fee_product_id] input",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Saved, not linked yet",
            trigger: ".o_form_saved .o_statusbar_status button.o_arrow_button_current:contains(/./)",
        },
    ],
});
