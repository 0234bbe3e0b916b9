/// Tokens (lower-cased, without their final period) after which a period does not end a sentence.
enum Abbreviations {
    /// Never end a sentence: titles, Latin abbreviations and initialisms.
    static let always: Set<String> = [
        "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "rev", "hon", "gen", "col", "lt", "sgt", "capt",
        "cmdr", "gov", "pres", "sen", "rep", "vs", "v", "e.g", "i.e", "cf", "al", "approx", "ca", "viz", "esp", "resp",
        "u.s", "u.k", "u.s.a", "ph.d", "m.d", "b.sc", "m.sc", "dept", "univ", "assn", "bros", "incl", "ibid", "ave",
        "blvd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "est", "approx",
    ]
    /// End no sentence when a number follows (`Fig. 3`, `No. 12`, `pp. 4-5`).
    static let beforeNumber: Set<String> = [
        "no", "nos", "p", "pp", "fig", "figs", "eq", "eqs", "vol", "vols", "ch", "chap", "sec", "secs", "art", "para",
        "ref", "refs", "op", "tab", "thm", "def", "ex", "nr", "vs",
    ]
}
