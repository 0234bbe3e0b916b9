import ArgumentParser

/// The `docuthinker` command: a thin shell over the library targets.
@main
struct DocuThinker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "docuthinker",
        abstract: "DocuThinker: self-hostable document intelligence.",
        subcommands: [ServeCommand.self, APICommand.self, AICommand.self, MCPCommand.self, IngestCommand.self, BenchBareServerCommand.self, ExtractCommand.self, AnalyzeCommand.self, EvaluateCommand.self, BenchEmbedCommand.self, BenchSearchCommand.self, BenchCacheCommand.self, EvaluateGraphCommand.self, BenchGraphCommand.self, MigrateCommand.self, ExportCommand.self, ImportCommand.self, ResetLinkCommand.self]
    )
}
