//! Aging: open amounts by bucket of days overdue, per customer, segment, group and portfolio.
