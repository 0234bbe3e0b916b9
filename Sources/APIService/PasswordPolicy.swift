import ServerSupport

/// What a new password must be: 8 characters to 72 bytes (bcrypt reads no further), not one of
/// the passwords people pick most (the list below: the 8-character-and-longer entries at the top
/// of published breach-frequency lists), not one character repeated or a run of digits, and not
/// the account's email or its name part.
enum PasswordPolicy {
    static func validate(_ password: String, email: String? = nil) throws {
        guard password.count >= 8 else {
            throw APIError.validation("The password must have at least 8 characters.", field: "password")
        }
        guard password.utf8.count <= 72 else {
            throw APIError.validation("The password must be at most 72 bytes long.", field: "password")
        }
        let lowered = password.lowercased()
        let guessable = common.contains(lowered) || Set(lowered).count == 1 || isDigitRun(lowered)
            || email.map { $0.lowercased() == lowered || $0.lowercased().split(separator: "@").first.map(String.init) == lowered } == true
        if guessable {
            throw APIError.validation("This password is among the first ones an attacker tries: choose a longer or less common one.",
                                      field: "password")
        }
    }

    /// "12345678", "87654321", "01234567…".
    static func isDigitRun(_ text: String) -> Bool {
        let digits = text.compactMap(\.wholeNumberValue)
        guard digits.count == text.count, digits.count >= 2 else { return false }
        let steps = Set(zip(digits, digits.dropFirst()).map { ($1 - $0 + 10) % 10 })
        return steps == [1] || steps == [9]
    }

    static let common: Set<String> = [
        "password", "password1", "password12", "password123", "password!", "passw0rd", "p@ssw0rd", "p@ssword", "pa$$word",
        "12345678", "123456789", "1234567890", "12341234", "11223344", "12344321", "123123123", "123456789a", "1234abcd",
        "11111111", "00000000", "88888888", "66666666", "99999999", "987654321", "147258369", "159753456",
        "qwertyui", "qwertyuiop", "qwerty123", "qwerty12", "qwer1234", "1qaz2wsx", "zaq12wsx", "1q2w3e4r", "1q2w3e4r5t",
        "q1w2e3r4", "q1w2e3r4t5", "asdfghjk", "asdfghjkl", "zxcvbnm1", "abcd1234", "abc12345", "abcdefgh", "aa123456",
        "iloveyou", "iloveyou1", "sunshine", "princess", "football", "baseball", "basketball", "superman", "batman123",
        "starwars", "whatever", "computer", "internet", "trustno1", "welcome1", "welcome123", "letmein1", "letmein123",
        "changeme", "changeme1", "admin123", "administrator", "secret123", "master123", "dragon123", "monkey123",
        "shadow123", "michelle", "jennifer", "jordan23", "liverpool", "chelsea1", "chocolate", "butterfly", "charlie1",
        "mustang1", "hello123", "freedom1", "corvette", "cocacola", "pokemon1", "minecraft", "fuckyou1", "loveyou1",
        "babygirl", "lovely12", "myspace1", "samsung1", "google123", "linkedin", "facebook", "default1", "testtest",
        "test1234", "guest123", "user1234", "login123", "docuthinker",
    ]
}
