//! Packing operations: the checklist (items, order, bulk import), templates, bags and who
//! packs each category.

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::common::Deleted;
use crate::domain::packing::{
    self, AppliedTemplate, ApplyPackingTemplateInput, BulkImportPackingInput, CategoryAssigneeList,
    CreatePackingBagInput, CreatePackingItemInput, ImportedItems, ListPackingTemplatesInput, PackingBag,
    PackingBagIdInput, PackingBagList, PackingItem, PackingItemIdInput, PackingItemList, PackingTemplate,
    PackingTemplateList, ReorderPackingItemsInput, SavePackingTemplateInput, SetBagMembersInput,
    SetPackingCategoryAssigneesInput, TogglePackingItemInput, UpdatePackingBagInput, UpdatePackingItemInput,
};
use crate::domain::trips::TripIdInput;

ops! {
    ListPackingItems {
        name: "list_packing_items",
        title: "List packing items",
        description: "List a trip's packing checklist in order (name, category, quantity, checked, bag) with the item \
            and checked counts.",
        scope: Some(Scope::PackingRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: PackingItemList,
        run: packing::list_packing_items,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreatePackingItem {
        name: "create_packing_item",
        title: "Create packing item",
        description: "Add an unchecked item to a trip's packing list, with optional category (default General), \
            quantity and bag_id. For many items use bulk_import_packing.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreatePackingItemInput,
        output: PackingItem,
        run: packing::create_packing_item,
        examples: [
            r#"{"trip_id": 1, "name": "Passport", "category": "Documents"}"#,
            r#"{"trip_id": 1, "name": "Socks", "category": "Clothes", "quantity": 5, "bag_id": 2}"#
        ],
    }
    UpdatePackingItem {
        name: "update_packing_item",
        title: "Update packing item",
        description: "Rename a packing item or change its category, quantity, checked state or bag (bag_id null takes \
            it out). Omitted fields stay.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdatePackingItemInput,
        output: PackingItem,
        run: packing::update_packing_item,
        examples: [r#"{"trip_id": 1, "item_id": 7, "name": "Rain jacket", "category": "Clothes"}"#, r#"{"trip_id": 1, "item_id": 7, "quantity": 2, "bag_id": null}"#],
    }
    TogglePackingItem {
        name: "toggle_packing_item",
        title: "Toggle packing item",
        description: "Check or uncheck a packing item (checked: true when packed, false when not; omit checked to \
            flip it).",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: TogglePackingItemInput,
        output: PackingItem,
        run: packing::toggle_packing_item,
        examples: [r#"{"trip_id": 1, "item_id": 7, "checked": true}"#, r#"{"trip_id": 1, "item_id": 7}"#],
    }
    DeletePackingItem {
        name: "delete_packing_item",
        title: "Delete packing item",
        description: "Remove an item from the packing checklist; the items after it move up so positions stay \
            0, 1, 2, …",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: PackingItemIdInput,
        output: Deleted,
        run: packing::delete_packing_item,
        examples: [r#"{"trip_id": 1, "item_id": 7}"#],
    }
    ReorderPackingItems {
        name: "reorder_packing_items",
        title: "Reorder packing items",
        description: "Set the order of a trip's packing items: ordered_ids first in that order, the rest after them \
            in their old order. Returns the list.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: ReorderPackingItemsInput,
        output: PackingItemList,
        run: packing::reorder_packing_items,
        examples: [r#"{"trip_id": 1, "ordered_ids": [9, 7, 8]}"#],
    }
    BulkImportPackingItems {
        name: "bulk_import_packing",
        title: "Bulk import packing items",
        description: "Import many packing items: lines like \"2x socks\" or objects {name, category, quantity, \
            bag, checked}; missing bags are created. Nothing is added if any entry is invalid.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: BulkImportPackingInput,
        output: ImportedItems,
        run: packing::bulk_import_packing,
        examples: [
            r#"{"trip_id": 1, "items": ["Passport", "2x socks", "T-shirt x3"], "category": "Clothes"}"#,
            r#"{"trip_id": 1, "items": [{"name": "Charger", "category": "Electronics", "bag": "Carry-on"}, "Toothbrush"]}"#
        ],
    }
    ListPackingTemplates {
        name: "list_packing_templates",
        title: "List packing templates",
        description: "List your saved packing templates (reusable lists) with how many items each holds. Use an \
            id with apply_packing_template.",
        scope: Some(Scope::PackingRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: ListPackingTemplatesInput,
        output: PackingTemplateList,
        run: packing::list_packing_templates,
        examples: ["{}"],
    }
    SavePackingTemplate {
        name: "save_packing_template",
        title: "Save packing template",
        description: "Save the trip's packing list (names, categories, quantities, order) as a template named \
            template_name, replacing one of yours with that name.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: SavePackingTemplateInput,
        output: PackingTemplate,
        run: packing::save_packing_template,
        examples: [r#"{"trip_id": 1, "template_name": "Spring city break"}"#],
    }
    ApplyPackingTemplate {
        name: "apply_packing_template",
        title: "Apply packing template",
        description: "Add a saved packing template's items (ids from list_packing_templates) unchecked to a trip's \
            list, skipping those already on it (same name and category).",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: ApplyPackingTemplateInput,
        output: AppliedTemplate,
        run: packing::apply_packing_template,
        examples: [r#"{"trip_id": 1, "template_id": 3}"#],
    }
    ListPackingBags {
        name: "list_packing_bags",
        title: "List packing bags",
        description: "List all packing bags for a trip with their colour, the members carrying each and how many \
            items are in it.",
        scope: Some(Scope::PackingRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: PackingBagList,
        run: packing::list_packing_bags,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreatePackingBag {
        name: "create_packing_bag",
        title: "Create packing bag",
        description: "Create a packing bag (e.g. \"Carry-on\") with an optional hex colour. Put items in it with \
            bag_id; say who carries it with set_bag_members.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreatePackingBagInput,
        output: PackingBag,
        run: packing::create_packing_bag,
        examples: [r##"{"trip_id": 1, "name": "Carry-on", "color": "#3b82f6"}"##, r#"{"trip_id": 1, "name": "Checked bag"}"#],
    }
    UpdatePackingBag {
        name: "update_packing_bag",
        title: "Update packing bag",
        description: "Rename or recolor a packing bag (color as hex like \"#22c55e\"). Omitted fields stay.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdatePackingBagInput,
        output: PackingBag,
        run: packing::update_packing_bag,
        examples: [r##"{"trip_id": 1, "bag_id": 2, "name": "Backpack", "color": "#22c55e"}"##],
    }
    DeletePackingBag {
        name: "delete_packing_bag",
        title: "Delete packing bag",
        description: "Delete a packing bag. Its items are unassigned (they stay on the list in no bag), not \
            deleted.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: PackingBagIdInput,
        output: Deleted,
        run: packing::delete_packing_bag,
        examples: [r#"{"trip_id": 1, "bag_id": 2}"#],
    }
    SetBagMembers {
        name: "set_bag_members",
        title: "Set bag members",
        description: "Assign trip members to a packing bag (who carries it). Replaces the current list; [] clears \
            it. Only members of the trip (list_trip_members) may be given.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: SetBagMembersInput,
        output: PackingBag,
        run: packing::set_bag_members,
        examples: [r#"{"trip_id": 1, "bag_id": 2, "user_ids": [1, 2]}"#],
    }
    GetPackingCategoryAssignees {
        name: "get_packing_category_assignees",
        title: "Get packing category assignees",
        description: "Get which trip members are assigned to each packing category (every category on the list, \
            with an empty list where nobody is assigned).",
        scope: Some(Scope::PackingRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: CategoryAssigneeList,
        run: packing::get_packing_category_assignees,
        examples: [r#"{"trip_id": 1}"#],
    }
    SetPackingCategoryAssignees {
        name: "set_packing_category_assignees",
        title: "Set packing category assignees",
        description: "Assign trip members to a packing category (who packs e.g. Electronics). Replaces that \
            category's assignees; [] clears them. Only members of the trip may be given.",
        scope: Some(Scope::PackingWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: SetPackingCategoryAssigneesInput,
        output: CategoryAssigneeList,
        run: packing::set_packing_category_assignees,
        examples: [r#"{"trip_id": 1, "category_name": "Electronics", "user_ids": [2]}"#],
    }
}
