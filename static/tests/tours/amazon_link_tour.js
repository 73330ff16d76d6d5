import { registry } from "@web/core/registry";

/**
 * The seed's linking flow: new account → "Link new webshop" → Amazon
 * (sign-in, verification code, marketplace, permissions; driven by the test
 * on the simulator's pages, which carry no Odoo code) → "Linking
 * successful" → OK → the account's settings, linked, with its marketplaces.
 */
registry.category("web_tour.tours").add("amazon_seller_connector_link", {
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
            content: "Not linked yet: the account offers to link a new webshop",
            trigger: ".o_statusbar_status button.o_arrow_button_current[data-value=draft]",
        },
        {
            content: "Choose the tile 'Link new webshop': off to Amazon",
            trigger: "button.o_amazon_link_tile",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Back from Amazon: linking successful, marketplaces listed",
            trigger: "#o_amazon_link_success .o_amazon_marketplaces li:contains(Amazon.de)",
        },
        {
            content: "The other participating marketplace is listed too",
            trigger: "#o_amazon_link_success .o_amazon_marketplaces li:contains(Amazon.fr)",
        },
        {
            content: "Confirm with OK",
            trigger: "#o_amazon_link_ok",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The account's settings: linked",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current[data-value=linked]",
        },
        {
            content: "Its marketplaces are selected",
            trigger: ".o_field_widget[name=marketplace_ids] .o_tag:contains(Amazon.de)",
        },
        {
            content: "No link tile any more, but 'Re-authorize'",
            trigger: ".o_form_view:not(:has(button.o_amazon_link_tile)) .o_statusbar_buttons button[name=action_amazon_link]",
        },
    ],
});
