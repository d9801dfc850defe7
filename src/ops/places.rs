//! Place operations: places of a trip, the category list and the user's tags.

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::common::Deleted;
use crate::domain::places::{
    self, CategoryList, CreatePlaceInput, ListPlacesInput, NoInput, Place, PlaceIdInput, PlaceList,
    UpdatePlaceInput,
};
use crate::domain::tags::{self, CreateTagInput, Tag, TagIdInput, TagList, UpdateTagInput};

ops! {
    ListPlaces {
        name: "list_places",
        title: "List places",
        description: "List a trip's places with coordinates, category, tags, price, timing and how often each is \
            planned. Filter by assignment (unassigned: still to plan), category_id, tag_id or search.",
        scope: Some(Scope::PlacesRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: ListPlacesInput,
        output: PlaceList,
        run: places::list_places,
        examples: [r#"{"trip_id": 1}"#, r#"{"trip_id": 1, "assignment": "unassigned", "search": "temple"}"#],
    }
    CreatePlace {
        name: "create_place",
        title: "Create place",
        description: "Add a place to a trip. Take coordinates, address and ids from search_place rather than \
            guessing; category_id from list_categories, tag_ids from list_tags. Plan it with \
            assign_place_to_day.",
        scope: Some(Scope::PlacesWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreatePlaceInput,
        output: Place,
        run: places::create_place,
        examples: [
            r#"{"trip_id": 1, "name": "Fushimi Inari Taisha", "lat": 34.9671, "lng": 135.7727, "category_id": 1, "duration_minutes": 120}"#,
            r#"{"trip_id": 1, "name": "Nishiki Market", "price": "25.00", "currency": "JPY", "transport_mode": "walking"}"#
        ],
    }
    UpdatePlace {
        name: "update_place",
        title: "Update place",
        description: "Change any field of a place (ids from list_places). Omitted fields stay; null clears; tag_ids \
            replaces your tags on it.",
        scope: Some(Scope::PlacesWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdatePlaceInput,
        output: Place,
        run: places::update_place,
        examples: [r#"{"trip_id": 1, "place_id": 3, "notes": "Go at sunrise", "place_time": "06:30"}"#, r#"{"trip_id": 1, "place_id": 3, "price": null, "tag_ids": [2]}"#],
    }
    DeletePlace {
        name: "delete_place",
        title: "Delete place",
        description: "Remove a place from a trip with all its day assignments. To only take it off a day, use \
            unassign_place.",
        scope: Some(Scope::PlacesWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: PlaceIdInput,
        output: Deleted,
        run: places::delete_place,
        examples: [r#"{"trip_id": 1, "place_id": 3}"#],
    }
    ListCategories {
        name: "list_categories",
        title: "List categories",
        description: "List every place category with id, name, emoji icon and colour. Call it before \
            create_place to pick a category_id.",
        scope: Some(Scope::PlacesRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: CategoryList,
        run: places::list_categories,
        examples: ["{}"],
    }
    ListTags {
        name: "list_tags",
        title: "List tags",
        description: "List your place tags (across all trips) with colour and how many places carry each.",
        scope: Some(Scope::PlacesRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: TagList,
        run: tags::list_tags,
        examples: ["{}"],
    }
    CreateTag {
        name: "create_tag",
        title: "Create tag",
        description: "Create a tag (a label for places, yours only) with a unique name and an optional hex \
            colour like \"#3b82f6\". Attach it to places with tag_ids in create_place or update_place.",
        scope: Some(Scope::PlacesWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateTagInput,
        output: Tag,
        run: tags::create_tag,
        examples: [r##"{"name": "Must see", "color": "#ef4444"}"##, r#"{"name": "Rainy day"}"#],
    }
    UpdateTag {
        name: "update_tag",
        title: "Update tag",
        description: "Rename a tag or change its hex colour. Get tag ids from list_tags.",
        scope: Some(Scope::PlacesWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateTagInput,
        output: Tag,
        run: tags::update_tag,
        examples: [r##"{"tag_id": 1, "color": "#22c55e"}"##, r#"{"tag_id": 1, "name": "Top pick"}"#],
    }
    DeleteTag {
        name: "delete_tag",
        title: "Delete tag",
        description: "Delete one of your tags; it is removed from every place that carried it (the places stay).",
        scope: Some(Scope::PlacesWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: TagIdInput,
        output: Deleted,
        run: tags::delete_tag,
        examples: [r#"{"tag_id": 1}"#],
    }
}
