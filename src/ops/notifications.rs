//! Notification operations: the user's in-app notifications (made from events by
//! `domain::notifications::record`), unread first.

use super::ops;
use crate::auth::scopes::Scope;
use crate::domain::atlas::NoInput;
use crate::domain::notifications::{
    self, ListNotificationsInput, MarkedRead, Notification, NotificationIdInput, NotificationPage,
    UnreadCount,
};

ops! {
    ListNotifications {
        name: "list_notifications",
        title: "List notifications",
        description: "List your in-app notifications, unread first, then newest (connection requests, assistants' \
            trip changes, pending reservations, expiring connections). Page with limit and offset.",
        scope: Some(Scope::NotificationsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: ListNotificationsInput,
        output: NotificationPage,
        run: notifications::list_notifications,
        examples: ["{}", r#"{"unread_only": true, "limit": 20, "offset": 20}"#],
    }
    GetUnreadNotificationCount {
        name: "get_unread_notification_count",
        title: "Count unread notifications",
        description: "Get how many of your in-app notifications are unread.",
        scope: Some(Scope::NotificationsRead),
        addon: None,
        kind: Read,
        idempotent: true,
        input: NoInput,
        output: UnreadCount,
        run: notifications::get_unread_notification_count,
        examples: ["{}"],
    }
    MarkNotificationRead {
        name: "mark_notification_read",
        title: "Mark notification read",
        description: "Mark one notification as read (ids from list_notifications). Marking a read one changes nothing.",
        scope: Some(Scope::NotificationsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: NotificationIdInput,
        output: Notification,
        run: notifications::mark_notification_read,
        examples: [r#"{"notification_id": 4}"#],
    }
    MarkNotificationUnread {
        name: "mark_notification_unread",
        title: "Mark notification unread",
        description: "Mark one notification as unread again (ids from list_notifications).",
        scope: Some(Scope::NotificationsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: NotificationIdInput,
        output: Notification,
        run: notifications::mark_notification_unread,
        examples: [r#"{"notification_id": 4}"#],
    }
    MarkAllNotificationsRead {
        name: "mark_all_notifications_read",
        title: "Mark all notifications read",
        description: "Mark every unread notification as read; returns how many were unread.",
        scope: Some(Scope::NotificationsWrite),
        addon: None,
        kind: Write,
        idempotent: true,
        input: NoInput,
        output: MarkedRead,
        run: notifications::mark_all_notifications_read,
        examples: ["{}"],
    }
}
