public import DocuThinkerCore
public import Storage

/// The ways a document request fails, as every edge reports them (REST, the legacy routes, MCP,
/// the AI service's internal routes).
public enum DocumentErrors {
    /// The document does not exist or is not the caller's (never distinguished).
    public static let notFound = DomainError(.notFound, code: "not_found", message: "No such document.")

    /// The document is still being extracted and indexed.
    public static let stillProcessing = DomainError(
        .conflict, code: "document_processing", message: "The document is still being processed; try again when its status is ready.")

    /// The operation needs a language model and none is configured (translation, rewriting).
    public static func llmUnavailable(_ message: String) -> DomainError {
        DomainError(.unavailable, code: "llm_unavailable", message: message,
                    details: ["hint": "Configure an LLM provider (e.g. OPENAI_API_KEY) to enable this."])
    }

    /// The caller already has this very file (same checksum): the existing document is offered.
    public static func duplicate(_ existing: DocumentRecord) -> DomainError {
        DomainError(.conflict, code: "duplicate_document",
                    message: "You already uploaded this file as “\(existing.title)”. Open that document, or upload again with allowDuplicate=true to keep a second copy.",
                    details: ["documentId": existing.id, "title": existing.title, "status": existing.status.rawValue,
                              "location": "/v1/documents/\(existing.id)"])
    }

    /// Why a document that exists has no text yet: still processing (a conflict), or failed
    /// (unprocessable, with its cause).
    public static func contentUnavailable(_ record: DocumentRecord) -> DomainError {
        guard record.status == .failed else { return stillProcessing }
        return DomainError(.unprocessable, code: record.error ?? "processing_failed",
                           message: record.errorMessage ?? "This document could not be processed.")
    }
}
