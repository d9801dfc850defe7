//! Settlement maths for the budget, pure and exact: equal shares of an expense in integer
//! minor units (remainder units to the payer first, then by user id), each person's ledger
//! across expenses, and the transfers that settle the balances.

use std::collections::BTreeMap;

use super::money::split_even;

// ---------------------------------------------------------------------------------------------

/// One expense as the maths sees it: a total in minor units, who fronted it, and the members
/// splitting it with whether each has paid their share back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expense {
    pub total: i64,
    pub payer: Option<i64>,
    pub members: Vec<(i64, bool)>,
}

impl Expense {
    /// Each member's share, summing exactly to the total. The remainder's extra units go to
    /// the payer first (so those who owe never round up), then to members by ascending id.
    pub fn shares(&self) -> Vec<(i64, i64)> {
        let mut order: Vec<i64> = self.members.iter().map(|&(u, _)| u).collect();
        order.sort_unstable_by_key(|&u| (Some(u) != self.payer, u));
        order.dedup();
        let amounts = split_even(self.total, order.len());
        order.into_iter().zip(amounts).collect()
    }
}

/// What one person's money looks like across the budget, in minor units.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ledger {
    /// Their shares of the items they split.
    pub share: i64,
    /// Totals of the bills they paid.
    pub fronted: i64,
    /// Shares they have already paid back to someone else's bill.
    pub repaid: i64,
    /// Shares others have already paid back to them.
    pub received: i64,
}

impl Ledger {
    /// Positive: others still owe them; negative: they still owe.
    pub fn balance(&self) -> i64 {
        self.fronted - self.received + self.repaid - self.share
    }
}

/// Everyone's ledger. Items without a payer are plans, not debts: they count in shares only
/// when someone paid, so an unpaid plan never makes anyone owe anything.
pub fn ledgers(expenses: &[Expense]) -> BTreeMap<i64, Ledger> {
    let mut out: BTreeMap<i64, Ledger> = BTreeMap::new();
    for e in expenses {
        let Some(payer) = e.payer else { continue };
        let shares = e.shares();
        if shares.is_empty() {
            // Nobody splits it: the payer's own expense.
            let l = out.entry(payer).or_default();
            l.fronted += e.total;
            l.share += e.total;
            continue;
        }
        out.entry(payer).or_default().fronted += e.total;
        for (user, share) in shares {
            out.entry(user).or_default().share += share;
            let settled = e.members.iter().any(|&(u, paid)| u == user && paid);
            if settled && user != payer {
                out.entry(user).or_default().repaid += share;
                out.entry(payer).or_default().received += share;
            }
        }
    }
    out
}

/// Transfers that settle `balances` (which sum to zero): repeatedly the largest debtor pays
/// the largest creditor as much as both allow (ties to the lower user id). Every step settles
/// at least one person, so n people need at most n − 1 transfers. Returns (from, to, amount).
pub fn settle(balances: &BTreeMap<i64, i64>) -> Vec<(i64, i64, i64)> {
    let mut open: Vec<(i64, i64)> =
        balances.iter().filter(|&(_, &b)| b != 0).map(|(&u, &b)| (u, b)).collect();
    let mut transfers = Vec::new();
    loop {
        let creditor = open.iter().filter(|(_, b)| *b > 0).max_by_key(|&&(u, b)| (b, -u)).copied();
        let debtor = open.iter().filter(|(_, b)| *b < 0).max_by_key(|&&(u, b)| (-b, -u)).copied();
        let (Some((to, credit)), Some((from, debt))) = (creditor, debtor) else { break };
        let amount = credit.min(-debt);
        transfers.push((from, to, amount));
        for entry in &mut open {
            if entry.0 == to {
                entry.1 -= amount;
            } else if entry.0 == from {
                entry.1 += amount;
            }
        }
        open.retain(|&(_, b)| b != 0);
    }
    transfers
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expense(total: i64, payer: Option<i64>, members: &[(i64, bool)]) -> Expense {
        Expense { total, payer, members: members.to_vec() }
    }

    /// Balances of `expenses`, the transfers that settle them, and a check that applying the
    /// transfers leaves everyone at zero.
    fn check(expenses: &[Expense], expected: &[(i64, i64, i64)]) {
        let ledgers = ledgers(expenses);
        let balances: BTreeMap<i64, i64> = ledgers.iter().map(|(&u, l)| (u, l.balance())).collect();
        assert_eq!(balances.values().sum::<i64>(), 0, "balances must sum to zero: {balances:?}");
        let transfers = settle(&balances);
        assert_eq!(transfers, expected, "balances {balances:?}");
        let mut after = balances.clone();
        for &(from, to, amount) in &transfers {
            assert!(amount > 0);
            *after.entry(from).or_default() += amount;
            *after.entry(to).or_default() -= amount;
        }
        assert!(after.values().all(|&b| b == 0), "not settled: {after:?}");
        assert!(transfers.len() < balances.values().filter(|&&b| b != 0).count().max(1));
    }

    #[test]
    fn three_way_split_of_ten_leaves_the_extra_cent_with_the_payer() {
        let e = expense(1000, Some(1), &[(1, false), (2, false), (3, false)]);
        assert_eq!(e.shares(), [(1, 334), (2, 333), (3, 333)]);
        check(&[e], &[(2, 1, 333), (3, 1, 333)]);
    }

    #[test]
    fn remainder_goes_by_user_id_when_the_payer_does_not_split() {
        let e = expense(1000, Some(9), &[(3, false), (1, false), (2, false)]);
        assert_eq!(e.shares(), [(1, 334), (2, 333), (3, 333)]);
        check(&[e], &[(1, 9, 334), (2, 9, 333), (3, 9, 333)]);
    }

    #[test]
    fn uneven_cents_sum_exactly() {
        let e = expense(1, Some(1), &[(1, false), (2, false), (3, false)]);
        assert_eq!(e.shares(), [(1, 1), (2, 0), (3, 0)]);
        check(&[e], &[]);
        let e = expense(2, Some(1), &[(1, false), (2, false), (3, false)]);
        check(&[e], &[(2, 1, 1)]);
    }

    #[test]
    fn someone_paying_for_others_only() {
        // Alice (1) pays 90.00 for Bob and Carol, and takes no share herself.
        check(&[expense(9000, Some(1), &[(2, false), (3, false)])], &[(2, 1, 4500), (3, 1, 4500)]);
    }

    #[test]
    fn debts_net_out_across_items() {
        // 1 pays 30.00 and 2 pays 60.00, both split three ways: 1 is even, 3 owes 2 30.00.
        let expenses = [
            expense(3000, Some(1), &[(1, false), (2, false), (3, false)]),
            expense(6000, Some(2), &[(1, false), (2, false), (3, false)]),
        ];
        check(&expenses, &[(3, 2, 3000)]);
    }

    #[test]
    fn largest_debtor_pays_largest_creditor_first() {
        // Alice (1) pays 80.00 for Carol (3) and Dan (4); Bob (2) pays 10.00 for Alice.
        let expenses =
            [expense(8000, Some(1), &[(3, false), (4, false)]), expense(1000, Some(2), &[(1, false)])];
        let balances: BTreeMap<i64, i64> =
            ledgers(&expenses).iter().map(|(&u, l)| (u, l.balance())).collect();
        assert_eq!(balances, BTreeMap::from([(1, 7000), (2, 1000), (3, -4000), (4, -4000)]));
        // Carol and Dan tie as debtors: the lower id goes first. Four people, three transfers.
        check(&expenses, &[(3, 1, 4000), (4, 1, 3000), (4, 2, 1000)]);
    }

    #[test]
    fn everyone_settled_needs_no_transfer() {
        let expenses = [expense(1000, Some(1), &[(1, false), (2, true)])];
        let l = ledgers(&expenses);
        assert_eq!(l[&2], Ledger { share: 500, fronted: 0, repaid: 500, received: 0 });
        assert_eq!(l[&1].balance(), 0);
        check(&expenses, &[]);
    }

    #[test]
    fn single_member_and_unpaid_plans_owe_nothing() {
        check(&[expense(5000, Some(1), &[(1, false)])], &[]);
        check(&[expense(5000, Some(1), &[])], &[]);
        check(&[expense(5000, None, &[(1, false), (2, false)])], &[]);
        check(&[], &[]);
    }

    #[test]
    fn paid_flags_reduce_what_is_owed() {
        let expenses = [expense(900, Some(1), &[(1, false), (2, true), (3, false)])];
        check(&expenses, &[(3, 1, 300)]);
    }

    mod properties {
        use proptest::prelude::*;

        use super::super::*;

        /// Up to 12 expenses among users 1..=6: any total, a payer or none, any members.
        fn expenses() -> impl Strategy<Value = Vec<Expense>> {
            let expense = (
                0_i64..=1_000_000_000,
                proptest::option::of(1_i64..=6),
                proptest::collection::vec((1_i64..=6, any::<bool>()), 0..6),
            )
                .prop_map(|(total, payer, members)| Expense { total, payer, members });
            proptest::collection::vec(expense, 0..12)
        }

        proptest! {
            #[test]
            fn shares_sum_to_the_total_and_differ_by_at_most_one_unit(e in expenses()) {
                for expense in &e {
                    let shares = expense.shares();
                    if shares.is_empty() { continue; }
                    prop_assert_eq!(shares.iter().map(|s| s.1).sum::<i64>(), expense.total);
                    let (min, max) = shares.iter().fold((i64::MAX, i64::MIN), |(lo, hi), s| (lo.min(s.1), hi.max(s.1)));
                    prop_assert!(max - min <= 1);
                }
            }

            #[test]
            fn transfers_settle_everyone_in_at_most_n_minus_one_steps(e in expenses()) {
                let balances: BTreeMap<i64, i64> = ledgers(&e).iter().map(|(&u, l)| (u, l.balance())).collect();
                prop_assert_eq!(balances.values().sum::<i64>(), 0);
                let transfers = settle(&balances);
                let open = balances.values().filter(|&&b| b != 0).count();
                prop_assert!(transfers.len() <= open.saturating_sub(1));
                let mut after = balances.clone();
                for &(from, to, amount) in &transfers {
                    prop_assert!(amount > 0 && from != to);
                    // Only debtors pay and only creditors receive.
                    prop_assert!(balances[&from] < 0 && balances[&to] > 0);
                    *after.entry(from).or_default() += amount;
                    *after.entry(to).or_default() -= amount;
                }
                prop_assert!(after.values().all(|&b| b == 0), "not settled: {:?}", after);
            }
        }
    }
}
