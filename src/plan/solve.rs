/*!
The exact plan of one region: which installs go to which units (docs/implementations.md,
"How the plan is exact").

The installs that can be planned together form a *transversal matroid*: a set of installs
is feasible when each can be given to a distinct slot of a unit allowed to take it. The plan
maximises a sum of per-install weights — a relationship outweighing every number of seats,
then seats — over the feasible sets, and on a matroid the greedy algorithm does that
exactly (Rado–Edmonds): take the installs from the heaviest down, keeping each one that
still fits with those kept, where "fits" is decided by an augmenting path that may move
kept installs between units (kept installs stay kept; only their units change).

Installs with the same allowed units form a *class* (the open installs of one vendor; the
installs one partner services of one vendor). Three facts make it fast and keep it exact:
- a class never holds more installs than its units have slots, so only that many of its
  best installs are considered;
- once an install of a class does not fit, no later install of the class does (its
  allowed units are the same and the kept set only grows): the class is closed;
- when no augmenting path exists, the units the search reached are full and every class
  they hold can move only among them; units only fill up, so nothing can ever move out of
  that set again: its units are never searched again.

The pairing's flow solver proves the same optimum on random problems in the tests.
*/

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::ingest::PlanInstall;

/// One region's planning problem.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Problem {
    /// How many installs each unit may take.
    pub slots: Vec<u32>,
    /// The classes of installs.
    pub classes: Vec<Class>,
}

/// Installs that may go to the same units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Class {
    /// The units allowed to take them, ascending.
    pub units: Vec<u32>,
    /// Whether each is a relationship: serviced by a partner of those units.
    pub relationship: bool,
    /// The installs, best first: seats descending, then file order.
    pub installs: Vec<PlanInstall>,
}

/// One planned install: `class`'s `install`-th goes to `unit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Assignment {
    /// Index into [`Problem::classes`].
    pub class: u32,
    /// Index into the class's installs.
    pub install: u32,
    /// Index into [`Problem::slots`].
    pub unit: u32,
}

/// The best installs of `installs` (seats descending, then file order), at most `keep`.
pub fn best(mut installs: Vec<PlanInstall>, keep: usize) -> Vec<PlanInstall> {
    let key = |i: &PlanInstall| (Reverse(i.seats), i.at);
    if installs.len() > keep {
        if keep == 0 {
            return Vec::new();
        }
        installs.select_nth_unstable_by_key(keep - 1, key);
        installs.truncate(keep);
    }
    installs.sort_unstable_by_key(key);
    installs
}

/// The optimal plan of `p`: relationships first, then seats, every tie to the install
/// earlier in its file and then to the unit first in order. Sorted by class and install.
pub fn solve(p: &Problem) -> Vec<Assignment> {
    let mut planner = Planner::new(p.slots.clone());
    for class in &p.classes {
        planner.add(class.clone());
    }
    planner.relationships();
    planner.others();
    planner.finish().1
}

/// [`solve`] in two steps, so that the other installs' classes can be built knowing how
/// many slots the relationships left: add the relationship classes, place them
/// ([`Planner::relationships`]), add the others — at most [`Planner::free`] installs of
/// each can be placed — and place them ([`Planner::others`]).
pub struct Planner {
    g: Greedy,
}

impl Planner {
    /// A plan of units with these slots, no class yet.
    pub fn new(slots: Vec<u32>) -> Planner {
        Planner {
            g: Greedy::new(Problem {
                slots,
                classes: Vec::new(),
            }),
        }
    }

    /// Adds a class; its index is the number of classes added before it.
    pub fn add(&mut self, class: Class) {
        self.g.add(class);
    }

    /// The slots of `units`, together.
    pub fn room(&self, units: &[u32]) -> usize {
        self.g.slots_of(units)
    }

    /// Slots not yet taken.
    pub fn free(&self) -> u64 {
        self.g.capacity - self.g.placed
    }

    /// Places the relationship classes' installs, heaviest first (seats, then file order).
    pub fn relationships(&mut self) {
        let g = &mut self.g;
        let mut order: Vec<(Reverse<u64>, u64, u32)> = Vec::new();
        for (c, class) in g.p.classes.iter().enumerate() {
            if class.relationship {
                let n = g.room_of(c);
                order.extend(
                    class.installs[..n]
                        .iter()
                        .map(|i| (Reverse(i.seats), i.at, c as u32)),
                );
            }
        }
        order.sort_unstable();
        for (_, _, c) in order {
            if g.placed == g.capacity {
                return;
            }
            g.offer(c as usize);
        }
    }

    /// Places the other classes' installs, merged from their lists (each heaviest first),
    /// until every slot is taken.
    pub fn others(&mut self) {
        let g = &mut self.g;
        let mut next = vec![0usize; g.p.classes.len()];
        let mut heads: BinaryHeap<(u64, Reverse<u64>, Reverse<u32>)> = (0..g.p.classes.len())
            .filter(|&c| !g.p.classes[c].relationship && g.room_of(c) > 0)
            .map(|c| {
                let first = g.p.classes[c].installs[0];
                (first.seats, Reverse(first.at), Reverse(c as u32))
            })
            .collect();
        while let Some((_, _, Reverse(c))) = heads.pop() {
            if g.placed == g.capacity {
                break;
            }
            let c = c as usize;
            g.offer(c);
            next[c] += 1;
            if !g.closed[c] && next[c] < g.room_of(c) {
                let i = g.p.classes[c].installs[next[c]];
                heads.push((i.seats, Reverse(i.at), Reverse(c as u32)));
            }
        }
    }

    /// The problem as built, and the plan: each class keeps its best installs (a prefix
    /// of them), dealt to its units in order.
    pub fn finish(self) -> (Problem, Vec<Assignment>) {
        let plan = self.g.assignments();
        (self.g.p, plan)
    }
}

struct Greedy {
    p: Problem,
    /// Per class: how many of its installs its units can hold.
    room: Vec<usize>,
    /// All slots.
    capacity: u64,
    load: Vec<u32>,
    /// Units that no augmenting path can reach any more.
    dead: Vec<bool>,
    closed: Vec<bool>,
    /// Per class: its units before this one are full.
    cursor: Vec<usize>,
    /// Per unit: (class, how many of its installs) it holds.
    held: Vec<Vec<(u32, u32)>>,
    /// Installs placed so far.
    placed: u64,
    /// The search's marks: a unit or class is seen in search `stamp`.
    seen_unit: Vec<u32>,
    seen_class: Vec<u32>,
    /// Per unit reached: the unit it was reached from and the class that moves.
    parent: Vec<(u32, u32)>,
    stamp: u32,
}

const NONE: u32 = u32::MAX;

impl Greedy {
    fn new(p: Problem) -> Self {
        debug_assert!(p.classes.is_empty(), "classes come through `add`");
        let (nu, nc) = (p.slots.len(), 0);
        Greedy {
            room: Vec::new(),
            capacity: p.slots.iter().map(|&s| u64::from(s)).sum(),
            p,
            load: vec![0; nu],
            dead: vec![false; nu],
            closed: vec![false; nc],
            cursor: vec![0; nc],
            held: vec![Vec::new(); nu],
            placed: 0,
            seen_unit: vec![0; nu],
            seen_class: vec![0; nc],
            parent: vec![(NONE, NONE); nu],
            stamp: 0,
        }
    }

    /// The slots of `units`, together.
    fn slots_of(&self, units: &[u32]) -> usize {
        units
            .iter()
            .map(|&u| self.p.slots[u as usize] as usize)
            .sum()
    }

    fn add(&mut self, class: Class) {
        let room = self.slots_of(&class.units);
        self.room.push(class.installs.len().min(room));
        self.p.classes.push(class);
        self.closed.push(false);
        self.cursor.push(0);
        self.seen_class.push(0);
    }

    /// How many of class `c`'s installs its units can hold.
    fn room_of(&self, c: usize) -> usize {
        self.room[c]
    }

    fn full(&self, u: u32) -> bool {
        self.load[u as usize] >= self.p.slots[u as usize]
    }

    /// A unit of class `c` with a free slot, if any (units only fill up).
    fn free_unit(&mut self, c: usize) -> Option<u32> {
        let units = &self.p.classes[c].units;
        while let Some(&u) = units.get(self.cursor[c]) {
            if !self.full(u) {
                return Some(u);
            }
            self.cursor[c] += 1;
        }
        None
    }

    fn hold(&mut self, u: u32, c: u32, delta: i32) {
        let list = &mut self.held[u as usize];
        match list.iter().position(|&(x, _)| x == c) {
            Some(i) => {
                list[i].1 = list[i].1.wrapping_add_signed(delta);
                if list[i].1 == 0 {
                    list.remove(i);
                }
            }
            None => {
                debug_assert!(delta > 0);
                list.push((c, delta as u32));
            }
        }
    }

    /// Offers class `c`'s next install: kept when it fits, else the class is closed.
    fn offer(&mut self, c: usize) {
        if self.closed[c] {
            return;
        }
        match self.free_unit(c) {
            Some(u) => {
                self.hold(u, c as u32, 1);
                self.load[u as usize] += 1;
                self.placed += 1;
            }
            None => {
                if self.augment(c) {
                    self.placed += 1;
                } else {
                    self.closed[c] = true;
                }
            }
        }
    }

    /// Searches (breadth first) for a unit with a free slot that class `c`'s new install
    /// can reach by moving kept installs along; applies the moves. On failure every unit
    /// reached is dead.
    fn augment(&mut self, c: usize) -> bool {
        self.stamp += 1;
        let stamp = self.stamp;
        let mut queue: VecDeque<u32> = VecDeque::new();
        let mut reached: Vec<u32> = Vec::new();
        self.seen_class[c] = stamp;
        for &u in &self.p.classes[c].units {
            if !self.dead[u as usize] {
                self.seen_unit[u as usize] = stamp;
                self.parent[u as usize] = (NONE, c as u32);
                queue.push_back(u);
                reached.push(u);
            }
        }
        let mut end = None;
        'search: while let Some(u) = queue.pop_front() {
            for k in 0..self.held[u as usize].len() {
                let c2 = self.held[u as usize][k].0;
                if self.seen_class[c2 as usize] == stamp {
                    continue;
                }
                self.seen_class[c2 as usize] = stamp;
                // A free unit of the class, if it has one, ends the search at once.
                if let Some(free) = self.free_unit(c2 as usize) {
                    self.parent[free as usize] = (u, c2);
                    end = Some(free);
                    break 'search;
                }
                for &u2 in &self.p.classes[c2 as usize].units {
                    let i = u2 as usize;
                    if self.dead[i] || self.seen_unit[i] == stamp {
                        continue;
                    }
                    self.seen_unit[i] = stamp;
                    self.parent[i] = (u, c2);
                    queue.push_back(u2);
                    reached.push(u2);
                }
            }
        }
        let Some(end) = end else {
            for u in reached {
                self.dead[u as usize] = true;
            }
            return false;
        };
        // Move one install of each class along the path, back from its free end.
        self.load[end as usize] += 1;
        let mut v = end;
        loop {
            let (from, class) = self.parent[v as usize];
            self.hold(v, class, 1);
            if from == NONE {
                return true;
            }
            self.hold(from, class, -1);
            v = from;
        }
    }

    /// Each class keeps its best installs (a class keeps a prefix of them), dealt to its
    /// units in order.
    fn assignments(&self) -> Vec<Assignment> {
        let mut per_class: Vec<Vec<(u32, u32)>> = vec![Vec::new(); self.p.classes.len()];
        for (u, list) in self.held.iter().enumerate() {
            for &(c, n) in list {
                per_class[c as usize].push((u as u32, n));
            }
        }
        let mut out = Vec::new();
        for (c, mut units) in per_class.into_iter().enumerate() {
            units.sort_unstable();
            let mut install = 0u32;
            for (unit, n) in units {
                for _ in 0..n {
                    out.push(Assignment {
                        class: c as u32,
                        install,
                        unit,
                    });
                    install += 1;
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pair::flow;
    use proptest::prelude::*;

    /// (relationships, seats) of a plan.
    fn value(p: &Problem, plan: &[Assignment]) -> (u64, u64) {
        plan.iter().fold((0, 0), |(r, s), a| {
            let class = &p.classes[a.class as usize];
            (
                r + u64::from(class.relationship),
                s + class.installs[a.install as usize].seats,
            )
        })
    }

    /// Every rule of a plan: a unit allowed to take the install, within its slots, each
    /// install once.
    fn check_feasible(p: &Problem, plan: &[Assignment]) {
        let mut load = vec![0u32; p.slots.len()];
        let mut seen = std::collections::BTreeSet::new();
        for a in plan {
            let class = &p.classes[a.class as usize];
            assert!(class.units.contains(&a.unit), "{a:?} to a unit not allowed");
            assert!((a.install as usize) < class.installs.len());
            assert!(seen.insert((a.class, a.install)), "{a:?} planned twice");
            load[a.unit as usize] += 1;
        }
        for (u, (&l, &s)) in load.iter().zip(&p.slots).enumerate() {
            assert!(l <= s, "unit {u} holds {l} of {s} slots");
        }
    }

    /// The best value over every assignment of every install to no unit or one allowed.
    fn brute_force(p: &Problem) -> (u64, u64) {
        let installs: Vec<(usize, usize)> = p
            .classes
            .iter()
            .enumerate()
            .flat_map(|(c, class)| (0..class.installs.len()).map(move |i| (c, i)))
            .collect();
        fn go(
            p: &Problem,
            installs: &[(usize, usize)],
            k: usize,
            load: &mut Vec<u32>,
            value: (u64, u64),
            best: &mut (u64, u64),
        ) {
            if k == installs.len() {
                *best = (*best).max(value);
                return;
            }
            go(p, installs, k + 1, load, value, best);
            let (c, i) = installs[k];
            let class = &p.classes[c];
            for &u in &class.units {
                if load[u as usize] < p.slots[u as usize] {
                    load[u as usize] += 1;
                    let v = (
                        value.0 + u64::from(class.relationship),
                        value.1 + class.installs[i].seats,
                    );
                    go(p, installs, k + 1, load, v, best);
                    load[u as usize] -= 1;
                }
            }
        }
        let mut best = (0, 0);
        go(
            p,
            &installs,
            0,
            &mut vec![0; p.slots.len()],
            (0, 0),
            &mut best,
        );
        best
    }

    /// A random problem: `units` units, classes of random allowed units, installs with
    /// distinct places in the file.
    fn problem(
        max_units: usize,
        max_classes: usize,
        max_installs: usize,
        max_seats: u64,
    ) -> impl Strategy<Value = Problem> {
        (1..=max_units).prop_flat_map(move |nu| {
            let slots = proptest::collection::vec(0u32..=3, nu);
            let class = (
                proptest::collection::btree_set(0..nu as u32, 1..=nu),
                any::<bool>(),
                proptest::collection::vec(0..=max_seats, 1..=max_installs),
            );
            (slots, proptest::collection::vec(class, 0..=max_classes)).prop_map(
                |(slots, classes)| {
                    let mut at = 0u64;
                    let classes = classes
                        .into_iter()
                        .map(|(units, relationship, seats)| {
                            let installs = seats
                                .into_iter()
                                .map(|seats| {
                                    at += 1;
                                    PlanInstall { seats, at }
                                })
                                .collect();
                            Class {
                                units: units.into_iter().collect(),
                                relationship,
                                installs: best(installs, usize::MAX),
                            }
                        })
                        .collect();
                    Problem { slots, classes }
                },
            )
        })
    }

    /// The optimum by the pairing's flow solver: units on the left (their slots), installs
    /// on the right (one each), weight `relationship · big + seats` with `big` above every
    /// plan's seats.
    fn flow_optimum(p: &Problem) -> (u64, u64) {
        let installs: Vec<(&Class, PlanInstall)> = p
            .classes
            .iter()
            .flat_map(|c| c.installs.iter().map(move |&i| (c, i)))
            .collect();
        let big = 1 + installs.iter().map(|(_, i)| i.seats).sum::<u64>();
        let mut fp = flow::Problem {
            left_cap: p.slots.iter().map(|&s| u64::from(s)).collect(),
            right_cap: vec![1; installs.len()],
            offsets: vec![0],
            ..flow::Problem::default()
        };
        for u in 0..p.slots.len() as u32 {
            for (k, (class, install)) in installs.iter().enumerate() {
                if class.units.contains(&u) {
                    fp.right.push(k as u32);
                    // +1: the solver takes positive weights. It does not move the
                    // optimum: weights are not negative, so some plan of the most
                    // installs possible has the best value, and every such plan gains
                    // the same. Each planned install's 1 is taken off below.
                    let w = u64::from(class.relationship) * big + install.seats + 1;
                    fp.weight
                        .push(u32::try_from(w).expect("small test weights"));
                    fp.cap.push(1);
                }
            }
            fp.offsets.push(fp.right.len());
        }
        let sol = flow::solve(&fp);
        assert!(sol.is_proven_optimal(&fp));
        let planned: u64 = sol.flow.iter().sum();
        let w = sol.weight(&fp) - planned;
        (w / big, w % big)
    }

    #[test]
    fn greedy_by_seats_alone_is_not_the_plan() {
        // The 10-seat install may go to unit 0 or 1, the 9-seat one only to unit 0; one
        // slot each. Giving each install the first free unit in seat order puts the 10 on
        // unit 0 and loses the 9 (10 seats); the plan moves the 10 to unit 1 (19 seats).
        let p = Problem {
            slots: vec![1, 1],
            classes: vec![
                Class {
                    units: vec![0, 1],
                    relationship: false,
                    installs: vec![PlanInstall { seats: 10, at: 1 }],
                },
                Class {
                    units: vec![0],
                    relationship: false,
                    installs: vec![PlanInstall { seats: 9, at: 2 }],
                },
            ],
        };
        let plan = solve(&p);
        check_feasible(&p, &plan);
        assert_eq!(value(&p, &plan), (0, 19));
        assert!(plan.contains(&Assignment {
            class: 0,
            install: 0,
            unit: 1
        }));
    }

    #[test]
    fn a_relationship_outweighs_any_seats() {
        let p = Problem {
            slots: vec![1],
            classes: vec![
                Class {
                    units: vec![0],
                    relationship: false,
                    installs: vec![PlanInstall { seats: 5000, at: 1 }],
                },
                Class {
                    units: vec![0],
                    relationship: true,
                    installs: vec![PlanInstall { seats: 3, at: 2 }],
                },
            ],
        };
        assert_eq!(
            solve(&p),
            vec![Assignment {
                class: 1,
                install: 0,
                unit: 0
            }]
        );
    }

    #[test]
    fn best_keeps_the_largest_installs_ties_in_file_order() {
        let i = |seats, at| PlanInstall { seats, at };
        let got = best(vec![i(5, 1), i(9, 2), i(5, 0), i(7, 3), i(1, 4)], 3);
        assert_eq!(got, vec![i(9, 2), i(7, 3), i(5, 0)]);
        assert!(best(vec![i(1, 1)], 0).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// On small random regions the plan is feasible and reaches the best value of every
        /// possible assignment.
        #[test]
        fn plan_equals_brute_force(p in problem(3, 4, 3, 20)) {
            let plan = solve(&p);
            check_feasible(&p, &plan);
            prop_assert_eq!(value(&p, &plan), brute_force(&p));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        /// On larger random regions the plan reaches the optimum the flow solver proves.
        #[test]
        fn plan_equals_the_flow_optimum(p in problem(10, 14, 6, 500)) {
            let plan = solve(&p);
            check_feasible(&p, &plan);
            prop_assert_eq!(value(&p, &plan), flow_optimum(&p));
        }
    }
}
