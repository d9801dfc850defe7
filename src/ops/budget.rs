//! Budget operations: expense items, who splits them and who has paid, per-person totals and
//! the settlement (TREK's `trek://trips/{tripId}/budget/per-person` and `/budget/settlement`).

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::budget::{
    self, BudgetItem, BudgetItemIdInput, BudgetItemList, BudgetPerPerson, BudgetSettlement,
    CreateBudgetItemInput, SetBudgetItemMembersInput, ToggleBudgetMemberPaidInput, UpdateBudgetItemInput,
};
use crate::domain::common::Deleted;
use crate::domain::trips::TripIdInput;

ops! {
    ListBudgetItems {
        name: "list_budget_items",
        title: "List budget items",
        description: "List a trip's expenses: category, total_price, per-person/per-day figures, who paid, who \
            splits each and whether they paid, and the total.",
        scope: Some(Scope::BudgetRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: BudgetItemList,
        run: budget::list_budget_items,
        examples: [r#"{"trip_id": 1}"#],
    }
    GetBudgetPerPerson {
        name: "get_budget_per_person",
        title: "Budget per person",
        description: "Per-person budget of a trip: each member's share, what they paid for others, repaid or received \
            shares and their balance (positive: others owe them), as decimal strings.",
        scope: Some(Scope::BudgetRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: BudgetPerPerson,
        run: budget::get_budget_per_person,
        examples: [r#"{"trip_id": 1}"#],
    }
    GetBudgetSettlement {
        name: "get_budget_settlement",
        title: "Budget settlement",
        description: "Suggested transfers that settle who owes whom on a trip, fewest transfers first; shares marked \
            paid are not owed again. settled is true when nobody owes anything.",
        scope: Some(Scope::BudgetRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: BudgetSettlement,
        run: budget::get_budget_settlement,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreateBudgetItem {
        name: "create_budget_item",
        title: "Create budget item",
        description: "Add an expense: name, category (e.g. Food), total_price as a decimal string in the trip's \
            currency. paid_by and user_ids (splitting it equally) are ids from list_trip_members.",
        scope: Some(Scope::BudgetWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateBudgetItemInput,
        output: BudgetItem,
        run: budget::create_budget_item,
        examples: [
            r#"{"trip_id": 1, "name": "Ryokan Sakura", "category": "Accommodation", "total_price": "480.00", "persons": 2, "days": 3}"#,
            r#"{"trip_id": 1, "name": "Kaiseki dinner", "category": "Food", "total_price": "90.00", "paid_by": 1, "user_ids": [1, 2, 3], "expense_date": "2027-04-02"}"#
        ],
    }
    UpdateBudgetItem {
        name: "update_budget_item",
        title: "Update budget item",
        description: "Update an expense (ids from list_budget_items). Omitted fields stay; null clears persons, days, \
            paid_by, note and expense_date.",
        scope: Some(Scope::BudgetWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateBudgetItemInput,
        output: BudgetItem,
        run: budget::update_budget_item,
        examples: [
            r#"{"trip_id": 1, "item_id": 4, "total_price": "95.50", "note": "Incl. tip"}"#,
            r#"{"trip_id": 1, "item_id": 4, "persons": null, "days": 2, "paid_by": 2}"#
        ],
    }
    DeleteBudgetItem {
        name: "delete_budget_item",
        title: "Delete budget item",
        description: "Remove an expense (and who split it) from a trip's budget. Later items move up; totals and \
            the settlement change accordingly.",
        scope: Some(Scope::BudgetWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: BudgetItemIdInput,
        output: Deleted,
        run: budget::delete_budget_item,
        examples: [r#"{"trip_id": 1, "item_id": 4}"#],
    }
    SetBudgetItemMembers {
        name: "set_budget_item_members",
        title: "Set budget item members",
        description: "Set which trip members (list_trip_members) split a budget item, replacing the list; [] clears \
            it. Members who stay keep their paid mark.",
        scope: Some(Scope::BudgetWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: SetBudgetItemMembersInput,
        output: BudgetItem,
        run: budget::set_budget_item_members,
        examples: [r#"{"trip_id": 1, "item_id": 4, "user_ids": [1, 2]}"#, r#"{"trip_id": 1, "item_id": 4, "user_ids": []}"#],
    }
    ToggleBudgetMemberPaid {
        name: "toggle_budget_member_paid",
        title: "Toggle budget member paid",
        description: "Mark or unmark a member's share of a budget item as paid to its payer (omit paid to flip). The \
            member must split the item.",
        scope: Some(Scope::BudgetWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: ToggleBudgetMemberPaidInput,
        output: BudgetItem,
        run: budget::toggle_budget_member_paid,
        examples: [r#"{"trip_id": 1, "item_id": 4, "member_id": 2, "paid": true}"#, r#"{"trip_id": 1, "item_id": 4, "member_id": 2}"#],
    }
}
