//! Atlas operations (user-scoped): visited countries by ISO 3166-1 alpha-2 code and the
//! personal bucket list.

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::atlas::{
    self, BucketList, BucketListItem, BucketListItemIdInput, CountryInput, CountryVisit,
    CreateBucketListItemInput, NoInput, VisitedCountryList,
};
use crate::domain::common::Deleted;

ops! {
    ListVisitedCountries {
        name: "list_visited_countries",
        title: "List visited countries",
        description: "List the countries you have marked as visited in your Atlas (ISO 3166-1 alpha-2 code and \
            name, sorted by name), with the count.",
        scope: Some(Scope::AtlasRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: VisitedCountryList,
        run: atlas::list_visited_countries,
        examples: ["{}"],
    }
    MarkCountryVisited {
        name: "mark_country_visited",
        title: "Mark country visited",
        description: "Mark a country as visited in your Atlas using its ISO 3166-1 alpha-2 code (e.g. \"FR\", \
            \"JP\"; case does not matter). Marking an already visited country changes nothing.",
        scope: Some(Scope::AtlasWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: CountryInput,
        output: CountryVisit,
        run: atlas::mark_country_visited,
        examples: [r#"{"country_code": "JP"}"#, r#"{"country_code": "fr"}"#],
    }
    UnmarkCountryVisited {
        name: "unmark_country_visited",
        title: "Unmark country visited",
        description: "Remove a country (ISO 3166-1 alpha-2 code, e.g. \"FR\") from your visited list. \
            Unmarking a country that is not marked changes nothing.",
        scope: Some(Scope::AtlasWrite),
        addon: None,
        kind: Delete,
        idempotent: true,
        input: CountryInput,
        output: CountryVisit,
        run: atlas::unmark_country_visited,
        examples: [r#"{"country_code": "JP"}"#],
    }
    ListBucketList {
        name: "list_bucket_list",
        title: "List bucket list",
        description: "List the destinations on your personal travel bucket list, oldest first, with country, \
            coordinates and notes.",
        scope: Some(Scope::AtlasRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: BucketList,
        run: atlas::list_bucket_list,
        examples: ["{}"],
    }
    CreateBucketListItem {
        name: "create_bucket_list_item",
        title: "Create bucket list item",
        description: "Add a destination to your personal bucket list with an optional ISO 3166-1 alpha-2 \
            country code, coordinates (lat and lng together) and notes.",
        scope: Some(Scope::AtlasWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateBucketListItemInput,
        output: BucketListItem,
        run: atlas::create_bucket_list_item,
        examples: [
            r#"{"name": "Northern lights in Tromsø", "country_code": "NO", "lat": 69.65, "lng": 18.96}"#,
            r#"{"name": "Walk the Kumano Kodo", "notes": "Spring or autumn"}"#
        ],
    }
    DeleteBucketListItem {
        name: "delete_bucket_list_item",
        title: "Delete bucket list item",
        description: "Remove an item from your bucket list. Get item ids from list_bucket_list.",
        scope: Some(Scope::AtlasWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: BucketListItemIdInput,
        output: Deleted,
        run: atlas::delete_bucket_list_item,
        examples: [r#"{"item_id": 3}"#],
    }
}
