//! To-do operations: items in a trip's ordered list and default assignees per category.

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::common::Deleted;
use crate::domain::todos::{
    self, CategoryAssigneeList, CategoryAssignees, CreateTodoInput, ReorderTodosInput,
    SetCategoryAssigneesInput, Todo, TodoIdInput, TodoList, ToggleTodoInput, UpdateTodoInput,
};
use crate::domain::trips::TripIdInput;

ops! {
    ListTodos {
        name: "list_todos",
        title: "List to-dos",
        description: "List all to-do items of a trip, ordered by position, with category, due date, \
            description, assignee, priority (low/medium/high) and whether each is done.",
        scope: Some(Scope::TodosRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: TodoList,
        run: todos::list_todos,
        examples: [r#"{"trip_id": 1}"#],
    }
    CreateTodo {
        name: "create_todo",
        title: "Create to-do",
        description: "Add a to-do at the end of a trip's list, with optional category, due date, description, \
            assignee (member id from list_trip_members) and priority.",
        scope: Some(Scope::TodosWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateTodoInput,
        output: Todo,
        run: todos::create_todo,
        examples: [
            r#"{"trip_id": 1, "name": "Book the JR Pass"}"#,
            r#"{"trip_id": 1, "name": "Renew passport", "category": "Documents", "due_date": "2027-03-01", "assigned_user_id": 1, "priority": "high"}"#
        ],
    }
    UpdateTodo {
        name: "update_todo",
        title: "Update to-do",
        description: "Update a to-do item. Only the fields given change; pass null to clear a nullable field \
            (category, due_date, description, assigned_user_id, priority).",
        scope: Some(Scope::TodosWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateTodoInput,
        output: Todo,
        run: todos::update_todo,
        examples: [r#"{"trip_id": 1, "item_id": 3, "priority": "medium", "due_date": null}"#, r#"{"trip_id": 1, "item_id": 3, "name": "Book the 7-day JR Pass"}"#],
    }
    ToggleTodo {
        name: "toggle_todo",
        title: "Toggle to-do",
        description: "Mark a to-do item as done (checked true) or undone (checked false); without checked it \
            flips the current state.",
        scope: Some(Scope::TodosWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: ToggleTodoInput,
        output: Todo,
        run: todos::toggle_todo,
        examples: [r#"{"trip_id": 1, "item_id": 3, "checked": true}"#, r#"{"trip_id": 1, "item_id": 3}"#],
    }
    DeleteTodo {
        name: "delete_todo",
        title: "Delete to-do",
        description: "Delete a to-do item; the items after it move up so positions stay 0, 1, 2, ….",
        scope: Some(Scope::TodosWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: TodoIdInput,
        output: Deleted,
        run: todos::delete_todo,
        examples: [r#"{"trip_id": 1, "item_id": 3}"#],
    }
    ReorderTodos {
        name: "reorder_todos",
        title: "Reorder to-dos",
        description: "Reorder a trip's to-do items by giving every item id once, in the new order \
            (ordered_ids). Returns the list in its new order.",
        scope: Some(Scope::TodosWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: ReorderTodosInput,
        output: TodoList,
        run: todos::reorder_todos,
        examples: [r#"{"trip_id": 1, "ordered_ids": [5, 3, 4]}"#],
    }
    GetTodoCategoryAssignees {
        name: "get_todo_category_assignees",
        title: "Get to-do category assignees",
        description: "Get the default assignees configured per to-do category for a trip (categories without \
            assignees are not listed).",
        scope: Some(Scope::TodosRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: CategoryAssigneeList,
        run: todos::get_todo_category_assignees,
        examples: [r#"{"trip_id": 1}"#],
    }
    SetTodoCategoryAssignees {
        name: "set_todo_category_assignees",
        title: "Set to-do category assignees",
        description: "Set the default assignees (trip members' user ids) of a to-do category, replacing the previous \
            ones; [] clears them.",
        scope: Some(Scope::TodosWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: SetCategoryAssigneesInput,
        output: CategoryAssignees,
        run: todos::set_todo_category_assignees,
        examples: [r#"{"trip_id": 1, "category_name": "Booking", "user_ids": [1, 2]}"#, r#"{"trip_id": 1, "category_name": "Booking", "user_ids": []}"#],
    }
}
