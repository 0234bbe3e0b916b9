import Foundation
import AWSSupport
import Testing

/// AWS's published Signature Version 4 examples (the sig-v4 test suite and the IAM example of
/// the "Signature Version 4 signing process" documentation), credentials AKIDEXAMPLE.
@Suite("SigV4 against AWS test vectors")
struct SigV4Tests {
    let credentials = SigV4.Credentials(accessKeyId: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    let date = Date(timeIntervalSince1970: 1_440_938_160)  // 2015-08-30T12:36:00Z

    private func signature(_ headers: [String: String]) -> String? {
        headers["Authorization"]?.components(separatedBy: "Signature=").last
    }

    @Test func getVanilla() {
        let signer = SigV4(region: "us-east-1", service: "service")
        let headers = signer.sign(method: "GET", url: URL(string: "https://example.amazonaws.com/")!,
                                  headers: ["Host": "example.amazonaws.com"], body: Data(), credentials: credentials, date: date)
        #expect(headers["x-amz-date"] == "20150830T123600Z")
        #expect(headers["Authorization"]?.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=") == true)
        #expect(signature(headers) == "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    }

    @Test func postVanilla() {
        let signer = SigV4(region: "us-east-1", service: "service")
        let headers = signer.sign(method: "POST", url: URL(string: "https://example.amazonaws.com/")!,
                                  headers: ["Host": "example.amazonaws.com"], body: Data(), credentials: credentials, date: date)
        #expect(signature(headers) == "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b")
    }

    @Test func iamListUsersDocumentationExample() {
        let signer = SigV4(region: "us-east-1", service: "iam")
        let headers = signer.sign(
            method: "GET", url: URL(string: "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08")!,
            headers: ["Host": "iam.amazonaws.com", "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"],
            body: Data(), credentials: credentials, date: date)
        #expect(headers["Authorization"]?.contains("SignedHeaders=content-type;host;x-amz-date") == true)
        #expect(signature(headers) == "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")
    }

    @Test func sessionTokenIsSignedAndSent() {
        var session = credentials
        session.sessionToken = "token-123"
        let headers = SigV4(region: "us-west-2", service: "bedrock").sign(
            method: "POST", url: URL(string: "https://bedrock-runtime.us-west-2.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1:0/converse")!,
            headers: [:], body: Data("{}".utf8), credentials: session, date: date)
        #expect(headers["x-amz-security-token"] == "token-123")
        #expect(headers["Authorization"]?.contains("SignedHeaders=host;x-amz-date;x-amz-security-token") == true)
    }
}
