import APIService
import ArgumentParser

/// `docuthinker reset-link --email E`: prints a one-time password-reset link (DocuThinker sends no mail).
struct ResetLinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reset-link", abstract: "Print a one-time password-reset link for an account (valid for an hour).")

    @Option(help: "The account's email.") var email: String
    @Option(help: "Where people open DocuThinker (default http://localhost:PORT).") var baseURL: String?
    @Option(help: "Data directory (overrides DOCUTHINKER_DATA_DIR; default ./data).") var dataDir: String?

    func run() async throws {
        let configuration = try await ServerOptions.dataDirectory(dataDir).configuration()
        try await reportingStartupErrors {
            print(try await makePasswordResetLink(
                email: email, baseURL: baseURL ?? "http://localhost:\(configuration.port)", configuration: configuration))
        }
    }
}
