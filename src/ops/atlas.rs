//! Atlas operations (user-scoped): visited countries by ISO 3166-1 alpha-2 code and the
//! personal bucket list; the Atlas add-on adds statistics, visited regions (ISO 3166-2), the
//! places of a country and bucket list edits.

use super::{Addon, ops};
use crate::auth::scopes::Scope;
use crate::domain::atlas::{
    self, BucketList, BucketListItem, BucketListItemIdInput, CountryInput, CountryVisit,
    CreateBucketListItemInput, NoInput, UpdateBucketListItemInput, VisitedCountryList,
};
use crate::domain::common::Deleted;
use crate::domain::regions::{
    self, AtlasStats, CountryPlaces, CountryPlacesInput, RegionInput, RegionVisit, VisitedRegionList,
};

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
        description: "Mark a country visited in your atlas by its ISO 3166-1 alpha-2 code (e.g. \"FR\"; any case). \
            Marking it again changes nothing.",
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
    GetAtlasStats {
        name: "get_atlas_stats",
        title: "Get atlas statistics",
        description: "Your atlas statistics: countries visited (count and percent), regions, continents with \
            visited/total countries, bucket list size.",
        scope: Some(Scope::AtlasRead),
        addon: Some(Addon::Atlas),
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: AtlasStats,
        run: regions::get_atlas_stats,
        examples: ["{}"],
    }
    ListVisitedRegions {
        name: "list_visited_regions",
        title: "List visited regions",
        description: "List the sub-country regions (ISO 3166-2, e.g. US-CA) you marked as visited, with their \
            names, kind (state, prefecture…) and country.",
        scope: Some(Scope::AtlasRead),
        addon: Some(Addon::Atlas),
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: VisitedRegionList,
        run: regions::list_visited_regions,
        examples: ["{}"],
    }
    MarkRegionVisited {
        name: "mark_region_visited",
        title: "Mark region visited",
        description: "Mark a region visited by its ISO 3166-2 code (e.g. \"JP-26\" for Kyoto; any case). Marking it \
            again changes nothing.",
        scope: Some(Scope::AtlasWrite),
        addon: Some(Addon::Atlas),
        kind: Write,
        idempotent: true,
        input: RegionInput,
        output: RegionVisit,
        run: regions::mark_region_visited,
        examples: [r#"{"region_code": "US-CA"}"#, r#"{"region_code": "jp-26"}"#],
    }
    UnmarkRegionVisited {
        name: "unmark_region_visited",
        title: "Unmark region visited",
        description: "Remove a region (ISO 3166-2 code, e.g. \"US-CA\") from your visited regions. Unmarking a \
            region that is not marked changes nothing.",
        scope: Some(Scope::AtlasWrite),
        addon: Some(Addon::Atlas),
        kind: Delete,
        idempotent: true,
        input: RegionInput,
        output: RegionVisit,
        run: regions::unmark_region_visited,
        examples: [r#"{"region_code": "US-CA"}"#],
    }
    GetCountryAtlasPlaces {
        name: "get_country_atlas_places",
        title: "Get country atlas places",
        description: "The places in your trips that lie in one country (ISO 3166-1 alpha-2 code), matched by the \
            address's country name or code as search_place writes it.",
        scope: Some(Scope::AtlasRead),
        addon: Some(Addon::Atlas),
        kind: Read,
        idempotent: true,
        input: CountryPlacesInput,
        output: CountryPlaces,
        run: regions::get_country_atlas_places,
        examples: [r#"{"country_code": "JP"}"#],
    }
    UpdateBucketListItem {
        name: "update_bucket_list_item",
        title: "Update bucket list item",
        description: "Change a bucket list item's name, notes, country, coordinates (lat and lng together) or \
            target date (YYYY-MM-DD). Omitted fields stay; null clears.",
        scope: Some(Scope::AtlasWrite),
        addon: Some(Addon::Atlas),
        kind: Write,
        idempotent: true,
        input: UpdateBucketListItemInput,
        output: BucketListItem,
        run: atlas::update_bucket_list_item,
        examples: [r#"{"item_id": 3, "target_date": "2028-02-01", "notes": "Go in February"}"#, r#"{"item_id": 3, "lat": null, "lng": null}"#],
    }
}
