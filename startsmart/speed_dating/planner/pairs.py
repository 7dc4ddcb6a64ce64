"""Pair rounds for the rotation planner: one maximum matching per round, plus the circle method.

Internal to the planner (indices, not ids). A round is a maximum-cardinality matching on the
people who have not met: funded/unfunded pairs are matched first (bipartite, with augmenting
paths), the rest greedily, and Edmonds' blossom algorithm then augments until no two free
people could still be paired. Graphs are implicit ("not met" is nearly complete), so a
neighbour list is only built for the few vertices a search actually expands.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from startsmart.speed_dating.planner.colleagues import fewest_colleagues, free_seat_for_host
from startsmart.speed_dating.planner.state import HOST, PlanState, choose_seated

Fits = Callable[[int, int], bool]


def build_pair_round(
    present: Sequence[int],
    state: PlanState,
    max_pairs: int | None,
    host: bool,
    rng: random.Random,
    initial: Sequence[tuple[int, int]] = (),
    fits_last: Fits | None = None,
) -> tuple[list[tuple[int, int]], list[int]]:
    """Pairs for one round (a host pair is ``(person, HOST)``) and who sits out.

    ``initial`` pairs are kept; ``fits_last`` allows more pairs as a last resort before anyone
    waits beside a person new to them (a re-plan uses it to bring meetings forward).
    """
    limit = len(present) // 2 if max_pairs is None else min(max_pairs, len(present) // 2)
    match: dict[int, int] = {}
    for u, v in list(initial)[:limit]:
        match[u], match[v] = v, u
    free = [u for u in present if u not in match]
    room = limit - len(match) // 2
    seated, waiting = choose_seated(free, min(2 * room, len(free) - len(free) % 2), state, rng)
    _match_cross_group(seated, state, match, rng)
    _match_rest(seated, state, match, rng)
    core = [u for u in present if u in match] + [u for u in seated if u not in match]
    # Colleagues only meet when the seated people have no perfect matching without them.
    relaxed = (state.fits_relaxed, state.relaxed_blocked)
    for fits, blocked in ((state.fits, state.blocked), relaxed):
        augment(core, match, fits, [u for u in seated if u not in match], blocked=blocked)
    # Tables still free: anyone waiting who can meet someone new is seated, the ones who
    # waited most first. This also guarantees nobody waits beside a person they never met.
    last_resorts = (relaxed, (fits_last, None))
    for fits_or_none, blocked_or_none in last_resorts:
        missing = limit - len(match) // 2
        if missing > 0 and fits_or_none is not None:
            roots = [u for u in seated if u not in match] + waiting
            augment(list(present), match, fits_or_none, roots, missing, blocked_or_none)
    pairs = [(u, match[u]) for u in present if u in match and u < match[u]]
    if not initial and fits_last is None:
        # Fairness chose who is seated before the pairs were known; no round with as many
        # pairs may seat more colleagues together than necessary.
        pairs = fewest_colleagues(present, pairs, state, rng, augment)
    seated_now = {p for pair in pairs for p in pair}
    sitting_out = [u for u in present if u not in seated_now]
    if host and sitting_out and (max_pairs is None or len(pairs) < max_pairs):
        # The host fills a free table (the odd one out, or someone nobody new is left for),
        # taking turns: nobody twice before everybody once, never twice in a row if avoidable.
        pairs, sitting_out, partner = free_seat_for_host(
            present, pairs, sitting_out, state, rng, augment
        )
        pairs.append((partner, HOST))
        sitting_out.remove(partner)
    return pairs, sitting_out


def _match_cross_group(
    seated: list[int], state: PlanState, match: dict[int, int], rng: random.Random
) -> None:
    funded = [u for u in seated if state.model_project[u]]
    unfunded = [u for u in seated if not state.model_project[u]]
    small, large = (funded, unfunded) if len(funded) <= len(unfunded) else (unfunded, funded)
    if not small:
        return
    # Those who met the most have the fewest options left, so they choose first.
    small.sort(key=lambda u: -len(state.met[u]))
    pool = list(large)
    rng.shuffle(pool)
    for u in small:
        v = _take_partner(u, pool, state.fits, rng)
        if v is not None:
            match[u], match[v] = v, u
    for u in small:
        if u not in match:
            _bipartite_augment(u, large, state.fits, match)


def _match_rest(
    seated: list[int], state: PlanState, match: dict[int, int], rng: random.Random
) -> None:
    rest = [u for u in seated if u not in match]
    pool = list(rest)
    rng.shuffle(pool)
    rest.sort(key=lambda u: -len(state.met[u]))
    position = {u: i for i, u in enumerate(pool)}
    for u in rest:
        if u not in position:
            continue
        _remove(pool, position, position[u])
        v = _take_partner(u, pool, state.fits, rng, position)
        if v is not None:
            match[u], match[v] = v, u


def _take_partner(
    u: int,
    pool: list[int],
    fits: Fits,
    rng: random.Random,
    position: dict[int, int] | None = None,
) -> int | None:
    # A few random draws find a partner almost always when few pairs are excluded; the scan
    # keeps the answer exact when many are.
    for _ in range(min(8, len(pool))):
        j = rng.randrange(len(pool))
        if fits(u, pool[j]):
            return _remove(pool, position, j)
    for j, v in enumerate(pool):
        if fits(u, v):
            return _remove(pool, position, j)
    return None


def _remove(pool: list[int], position: dict[int, int] | None, j: int) -> int:
    v = pool[j]
    last = pool.pop()
    if j < len(pool):
        pool[j] = last
        if position is not None:
            position[last] = j
    if position is not None:
        del position[v]
    return v


def _bipartite_augment(root: int, other_side: list[int], fits: Fits, match: dict[int, int]) -> bool:
    reached_from: dict[int, int] = {}
    queue = [root]
    queued = {root}
    for u in queue:
        for v in other_side:
            if v in reached_from or not fits(u, v):
                continue
            reached_from[v] = u
            w = match.get(v)
            if w is None:
                while True:
                    u = reached_from[v]
                    previous = match.get(u)
                    match[u], match[v] = v, u
                    if previous is None:  # u is the root, the one free vertex on the path
                        return True
                    v = previous
            if w not in queued:
                queued.add(w)
                queue.append(w)
    return False


def augment(
    vertices: list[int],
    match: dict[int, int],
    fits: Fits,
    roots: Sequence[int],
    limit: int | None = None,
    blocked: Sequence[set[int]] | None = None,
) -> int:
    """Grow ``match`` along augmenting paths from each free root; return the pairs added.

    Matched vertices stay matched (possibly to someone else), so earlier choices about who is
    seated survive. With every free vertex as a root, one pass yields a maximum matching on
    ``vertices`` (Edmonds: a vertex without an augmenting path never gains one later).
    ``blocked[u]``, if given, is exactly the set ``fits`` rules out for u; it only saves time.
    """
    local = {v: i for i, v in enumerate(vertices)}
    mate = [local[match[v]] if v in match else -1 for v in vertices]
    free = mate.count(-1)
    neighbours: dict[int, list[int]] = {}
    everyone = set(vertices)

    def adjacent(i: int) -> list[int]:
        if i not in neighbours:
            u = vertices[i]
            if blocked is None:
                neighbours[i] = [j for j, v in enumerate(vertices) if j != i and fits(u, v)]
            else:
                allowed = everyone - blocked[u]
                allowed.discard(u)
                neighbours[i] = sorted(local[v] for v in allowed)
        return neighbours[i]

    added = 0
    for root in roots:
        if free < 2 or (limit is not None and added >= limit):
            break
        i = local[root]
        if mate[i] == -1 and _blossom_search(i, mate, adjacent):
            added += 1
            free -= 2
    for i, j in enumerate(mate):
        if j != -1:
            match[vertices[i]] = vertices[j]
    return added


def _blossom_search(root: int, mate: list[int], adjacent: Callable[[int], list[int]]) -> bool:
    """Edmonds' augmenting-path search from ``root``; flips the path into ``mate`` if found."""
    n = len(mate)
    parent = [-1] * n
    base = list(range(n))
    outer = [False] * n
    outer[root] = True
    queue = [root]

    def common_base(a: int, b: int) -> int:
        seen = set()
        while True:
            a = base[a]
            seen.add(a)
            if mate[a] == -1:
                break
            a = parent[mate[a]]
        while True:
            b = base[b]
            if b in seen:
                return b
            b = parent[mate[b]]

    def mark(v: int, stem: int, child: int, blossom: set[int]) -> None:
        while base[v] != stem:
            blossom.add(base[v])
            blossom.add(base[mate[v]])
            parent[v] = child
            child = mate[v]
            v = parent[mate[v]]

    for v in queue:
        for to in adjacent(v):
            if base[v] == base[to] or mate[v] == to:
                continue
            if to == root or (mate[to] != -1 and parent[mate[to]] != -1):
                stem = common_base(v, to)
                blossom: set[int] = set()
                mark(v, stem, to, blossom)
                mark(to, stem, v, blossom)
                for i in range(n):
                    if base[i] in blossom:
                        base[i] = stem
                        if not outer[i]:
                            outer[i] = True
                            queue.append(i)
            elif parent[to] == -1:
                parent[to] = v
                if mate[to] == -1:
                    while to != -1:
                        via = parent[to]
                        onward = mate[via]
                        mate[to], mate[via] = via, to
                        to = onward
                    return True
                outer[mate[to]] = True
                queue.append(mate[to])
    return False


def circle_rounds(
    people: list[int], count: int, state: PlanState, rng: random.Random
) -> list[list[tuple[int, int]]]:
    """``count`` rounds of the circle method (round-robin), every pair at most once.

    The circle method guarantees a perfect matching in every one of up to n-1 rounds, which a
    round-by-round matching cannot once most pairs have met. Who stands where on the circle
    is then improved by swaps: colleagues kept apart, funded and unfunded brought together.
    ``people`` may contain ``HOST``; with an odd count one person per round is left out.
    """
    spots = list(people)
    rng.shuffle(spots)
    even = len(spots) % 2 == 0
    ring = len(spots) - 1 if even else len(spots)  # spot ``ring`` is the fixed centre
    if ring < 1:
        return [[] for _ in range(count)]

    def partner(x: int, r: int) -> int | None:
        if x == ring:
            return r % ring
        y = (2 * r - x) % ring
        if y == x:
            return ring if even else None
        return y

    # Precomputed so the swap search below stays cheap: partners per spot and round (-1 when
    # the spot waits), and per person a town number (or a unique one) and the group.
    partners = [
        [-1 if (y := partner(x, r)) is None else y for r in range(count)] for x in range(len(spots))
    ]
    towns: dict[str, int] = {}

    def town_number(p: int) -> int:
        name = None if p == HOST else state.municipality[p]
        return -2 - p if name is None else towns.setdefault(name, len(towns))

    town = {p: town_number(p) for p in spots}
    funded = {p: p != HOST and state.model_project[p] for p in spots}
    neutral = {p: p == HOST for p in spots}
    if even and count == ring - 1:
        # One round of the circle is left unplayed: the most colleague pairs go there. A plan
        # that seats every spot in every round leaves out one perfect matching of the spots,
        # so none has fewer colleague pairs (with the host as a spot: none that keeps the
        # host's turns). The swaps below keep it: a colleague pair costs more than all the
        # cross-group meetings of two spots (up to 2 * count).
        _leave_out_colleagues(
            spots, [partner(x, ring - 1) for x in range(len(spots))], town, funded
        )

    colleague_cost = max(64, 2 * count + 1)

    def spot_cost(x: int) -> int:
        u = spots[x]
        if neutral[u]:
            return 0
        total = 0
        for y in partners[x]:
            if y >= 0:
                v = spots[y]
                if neutral[v]:
                    continue
                if town[u] == town[v]:
                    total += colleague_cost
                elif funded[u] != funded[v]:
                    total -= 1
        return total

    for _ in range(min(60 * len(spots), 60_000 // max(count, 1))):
        x, y = rng.randrange(len(spots)), rng.randrange(len(spots))
        if x == y:
            continue
        before = spot_cost(x) + spot_cost(y)
        spots[x], spots[y] = spots[y], spots[x]
        if spot_cost(x) + spot_cost(y) > before:
            spots[x], spots[y] = spots[y], spots[x]
    rounds = []
    for r in range(count):
        pairs = []
        for x in range(len(spots)):
            y = partner(x, r)
            if y is not None and x < y:
                pairs.append((spots[x], spots[y]))
        rounds.append(pairs)
    return rounds


def _leave_out_colleagues(
    spots: list[int], mate: list[int | None], town: dict[int, int], funded: dict[int, bool]
) -> None:
    """Arrange ``spots`` so that the round pairing spot x with ``mate[x]`` pairs as many people
    of one municipality as possible, and then of one group (the cross-group ones meet)."""
    by_town: dict[int, list[int]] = {}
    for p in spots:
        by_town.setdefault(town[p], []).append(p)
    pairs: list[tuple[int, int]] = []
    single: list[int] = []
    for members in by_town.values():
        pairs.extend(zip(members[0::2], members[1::2], strict=False))
        if len(members) % 2:
            single.append(members[-1])
    single.sort(key=lambda p: funded[p])
    pairs.extend(zip(single[0::2], single[1::2], strict=True))
    slots = [(x, y) for x, y in enumerate(mate) if y is not None and x < y]
    for (x, y), (u, v) in zip(slots, pairs, strict=True):
        spots[x], spots[y] = u, v
