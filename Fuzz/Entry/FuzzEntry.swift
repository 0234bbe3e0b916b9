import Foundation
import FuzzTargets

/// The libFuzzer harness `docuthinker-fuzz` (built only by `scripts/fuzz`, with
/// `-sanitize=fuzzer,address`): `DOCUTHINKER_FUZZ_TARGET` names the target. SwiftPM links an
/// executable's entry point as `<module>_main`, so that symbol hands control to libFuzzer's driver.
nonisolated(unsafe) let target = ProcessInfo.processInfo.environment["DOCUTHINKER_FUZZ_TARGET"] ?? "detect"

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let data = start.map { Data(bytes: $0, count: count) } ?? Data()
    guard FuzzTargets.run(target, data) else { fatalError("unknown fuzz target \(target); one of \(FuzzTargets.names)") }
    return 0
}

typealias Callback = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
               _ callback: Callback) -> CInt

@_cdecl("docuthinker_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, fuzz)
}
