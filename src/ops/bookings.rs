//! Booking operations: accommodations (stays at a place between check-in and check-out days)
//! and reservations (flights, hotels, restaurants, … with a status and a day order).

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::accommodations::{
    self, Accommodation, AccommodationIdInput, AccommodationList, CreateAccommodationInput,
    UpdateAccommodationInput,
};
use crate::domain::common::Deleted;
use crate::domain::reservations::{
    self, CreateReservationInput, HotelLink, LinkHotelInput, ListReservationsInput, ReorderReservationsInput,
    Reservation, ReservationIdInput, ReservationList, UpdateReservationInput,
};
use crate::domain::trips::TripIdInput;

ops! {
    ListAccommodations {
        name: "list_accommodations",
        title: "List accommodations",
        description: "List a trip's stays by check-in day: place, check-in/out days and times, confirmation, \
            linked hotel reservation.",
        scope: Some(Scope::ReservationsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: TripIdInput,
        output: AccommodationList,
        run: accommodations::list_accommodations,
        examples: [r#"{"trip_id": 1}"#],
    }
    ListReservations {
        name: "list_reservations",
        title: "List reservations",
        description: "List a trip's reservations with type, status, day, date and time, confirmation code and price, \
            by day and position (undated last). day_id limits it to one day.",
        scope: Some(Scope::ReservationsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: ListReservationsInput,
        output: ReservationList,
        run: reservations::list_reservations,
        examples: [r#"{"trip_id": 1}"#, r#"{"trip_id": 1, "day_id": 2}"#],
    }
    CreateReservation {
        name: "create_reservation",
        title: "Create reservation",
        description: "Record a booking as pending (confirm it with update_reservation). For a hotel, give \
            place_id + start_day_id + end_day_id to create its accommodation, or accommodation_id.",
        scope: Some(Scope::ReservationsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateReservationInput,
        output: Reservation,
        run: reservations::create_reservation,
        examples: [
            r#"{"trip_id": 1, "type": "restaurant", "title": "Dinner at Gion Karyo", "reservation_time": "2027-04-05T19:30", "price": "120.00"}"#,
            r#"{"trip_id": 1, "type": "hotel", "title": "Hotel Granvia", "place_id": 3, "start_day_id": 2, "end_day_id": 5, "check_in": "15:00", "check_out": "11:00", "confirmation_number": "HX-4411"}"#
        ],
    }
    UpdateReservation {
        name: "update_reservation",
        title: "Update reservation",
        description: "Change any field of a reservation, including status (pending, confirmed once booked, \
            cancelled). Omitted fields stay; null clears. A new day_id moves it to the end of that day.",
        scope: Some(Scope::ReservationsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateReservationInput,
        output: Reservation,
        run: reservations::update_reservation,
        examples: [
            r#"{"trip_id": 1, "reservation_id": 4, "status": "confirmed", "confirmation_number": "ABC123"}"#,
            r#"{"trip_id": 1, "reservation_id": 4, "reservation_time": "2027-04-06T20:00", "price": null}"#
        ],
    }
    DeleteReservation {
        name: "delete_reservation",
        title: "Delete reservation",
        description: "Delete a reservation and, for a hotel, its linked accommodation record. The other \
            reservations of its day close ranks.",
        scope: Some(Scope::ReservationsWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: ReservationIdInput,
        output: Deleted,
        run: reservations::delete_reservation,
        examples: [r#"{"trip_id": 1, "reservation_id": 4}"#],
    }
    ReorderReservations {
        name: "reorder_reservations",
        title: "Reorder reservations",
        description: "Set the order of one day's reservations by listing each of its reservation ids once (omit \
            day_id for those without a day). Returns them in order.",
        scope: Some(Scope::ReservationsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: ReorderReservationsInput,
        output: ReservationList,
        run: reservations::reorder_reservations,
        examples: [r#"{"trip_id": 1, "day_id": 2, "reservation_ids": [6, 4, 5]}"#],
    }
    LinkHotelAccommodation {
        name: "link_hotel_accommodation",
        title: "Link hotel accommodation",
        description: "Set a hotel reservation's place and check-in/check-out days (ids from get_trip_summary), \
            creating or updating its accommodation; optional HH:MM times.",
        scope: Some(Scope::ReservationsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: LinkHotelInput,
        output: HotelLink,
        run: reservations::link_hotel_accommodation,
        examples: [r#"{"trip_id": 1, "reservation_id": 4, "place_id": 3, "start_day_id": 2, "end_day_id": 5}"#, r#"{"trip_id": 1, "reservation_id": 4, "place_id": 3, "start_day_id": 2, "end_day_id": 5, "check_in": "15:00", "check_out": "10:00"}"#],
    }
    CreateAccommodation {
        name: "create_accommodation",
        title: "Create accommodation",
        description: "Add a stay at a trip's place from a check-in day to a later check-out day (ids or dates). \
            For a booked hotel, create_reservation with type hotel does both.",
        scope: Some(Scope::ReservationsWrite),
        addon: None,
        kind: Write,
        idempotent: false,
        input: CreateAccommodationInput,
        output: Accommodation,
        run: accommodations::create_accommodation,
        examples: [
            r#"{"trip_id": 1, "place_id": 3, "start_day_id": 2, "end_day_id": 5, "check_in": "15:00", "check_out": "11:00"}"#,
            r#"{"trip_id": 1, "place_id": 3, "start_date": "2027-04-05", "end_date": "2027-04-08", "confirmation": "BK-99812"}"#
        ],
    }
    UpdateAccommodation {
        name: "update_accommodation",
        title: "Update accommodation",
        description: "Change an accommodation's place, days (by id or date), times, confirmation or notes. Omitted \
            fields stay; null clears times, confirmation and notes.",
        scope: Some(Scope::ReservationsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: UpdateAccommodationInput,
        output: Accommodation,
        run: accommodations::update_accommodation,
        examples: [r#"{"trip_id": 1, "accommodation_id": 7, "end_date": "2027-04-09"}"#, r#"{"trip_id": 1, "accommodation_id": 7, "check_in": "14:00", "notes": null}"#],
    }
    DeleteAccommodation {
        name: "delete_accommodation",
        title: "Delete accommodation",
        description: "Delete an accommodation record from a trip. A hotel reservation linked to it stays, \
            without the link; use delete_reservation to remove both.",
        scope: Some(Scope::ReservationsWrite),
        addon: None,
        kind: Delete,
        idempotent: false,
        input: AccommodationIdInput,
        output: Deleted,
        run: accommodations::delete_accommodation,
        examples: [r#"{"trip_id": 1, "accommodation_id": 7}"#],
    }
}
