/// English stopwords (a common 180-word list: articles, pronouns, auxiliaries, prepositions).
enum Stopwords {
    static let english: Set<String> = [
        "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "aren't", "as",
        "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "cannot",
        "could", "couldn't", "did", "didn't", "do", "does", "doesn't", "doing", "don't", "down", "during", "each", "either",
        "else", "etc", "even", "ever", "every", "few", "for", "from", "further", "get", "gets", "got", "had", "hadn't",
        "has", "hasn't", "have", "haven't", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his",
        "how", "however", "i", "if", "in", "into", "is", "isn't", "it", "it's", "its", "itself", "just", "let", "like",
        "may", "me", "might", "more", "most", "much", "must", "my", "myself", "no", "nor", "not", "now", "of", "off",
        "often", "on", "once", "one", "only", "or", "other", "ought", "our", "ours", "ourselves", "out", "over", "own",
        "per", "put", "quite", "rather", "really", "said", "same", "say", "says", "see", "seen", "shall", "she", "should",
        "since", "so", "some", "still", "such", "than", "that", "that's", "the", "their", "theirs", "them",
        "themselves", "then", "there", "there's", "these", "they", "this", "those", "though", "through", "thus", "to",
        "too", "two", "under", "until", "up", "upon", "us", "use", "used", "uses", "using", "very", "via", "was",
        "wasn't", "we", "were", "weren't", "what", "when", "where", "whether", "which", "while", "who", "whom", "whose",
        "why", "will", "with", "within", "without", "won't", "would", "wouldn't", "yet", "you", "your", "yours",
        "yourself", "yourselves", "e.g", "i.e", "eg", "ie", "cf", "al", "et", "fig", "new", "well", "many", "made", "make",
        "first", "second", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "include", "includes",
        "including", "along", "among", "across", "around", "toward", "towards", "beyond", "another", "less", "least",
    ]
}
