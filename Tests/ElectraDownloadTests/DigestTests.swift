// MD5 and SHA-1 against Python's hashlib (Tests/Fixtures/download/digests.json, written by
// scripts/make_download_fixtures.py): lengths around the padding boundaries, several blocks, odd sizes,
// fed whole and in uneven pieces.

import _TestSupport
@testable import ElectraDownload
import Foundation
import Testing

@Suite("Download: MD5 and SHA-1") struct DigestTests {
    struct Vector: Decodable { let length: Int; let md5: String; let sha1: String }
    struct Text: Decodable { let text: String; let md5: String; let sha1: String }
    struct Vectors: Decodable { let vectors: [Vector]; let texts: [Text] }

    static let fixture: Vectors = {
        let url = Fixtures.directory.appendingPathComponent("download/digests.json")
        return try! JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }()

    /// Byte i of an input of length n is (31 · i + 7) mod 251, as the fixture script writes it.
    static func pattern(_ length: Int) -> [UInt8] { (0..<length).map { UInt8((31 * $0 + 7) % 251) } }

    /// `bytes` hashed in pieces of 1, 7, 63, 64, 65, 130 … bytes in turn.
    static func piecewise<C: DigestCompression>(_ bytes: [UInt8], _ hash: StreamingDigest<C>) -> String {
        var hash = hash, offset = 0, turn = 0
        let sizes = [1, 7, 63, 64, 65, 130, 0, 3]
        while offset < bytes.count {
            let end = min(bytes.count, offset + sizes[turn % sizes.count])
            hash.update(Array(bytes[offset..<end]))
            offset = end
            turn += 1
        }
        return hash.hexDigest()
    }

    @Test func patternsMatchHashlibWholeAndInPieces() {
        #expect(Self.fixture.vectors.count >= 15)
        for vector in Self.fixture.vectors {
            let bytes = Self.pattern(vector.length)
            var md5 = MD5(), sha1 = SHA1()
            md5.update(bytes)
            sha1.update(bytes)
            #expect(md5.hexDigest() == vector.md5, "MD5 of \(vector.length) bytes")
            #expect(sha1.hexDigest() == vector.sha1, "SHA-1 of \(vector.length) bytes")
            #expect(Self.piecewise(bytes, MD5()) == vector.md5, "MD5 of \(vector.length) bytes in pieces")
            #expect(Self.piecewise(bytes, SHA1()) == vector.sha1, "SHA-1 of \(vector.length) bytes in pieces")
            #expect(md5.byteCount == UInt64(vector.length))
        }
    }

    @Test func textsMatchHashlib() {
        for text in Self.fixture.texts {
            var md5 = RunningChecksum(.md5), sha1 = RunningChecksum(.sha1)
            Array(text.text.utf8).withUnsafeBytes { md5.update($0); sha1.update($0) }
            #expect(md5.hexDigest() == text.md5 && sha1.hexDigest() == text.sha1, "\(text.text)")
        }
    }

    @Test func finalizingLeavesTheHashUsable() {
        let bytes = Self.pattern(1000)
        var hash = SHA1()
        hash.update(Array(bytes[0..<500]))
        _ = hash.hexDigest()
        hash.update(Array(bytes[500...]))
        #expect(hash.hexDigest() == Self.fixture.vectors.first { $0.length == 1000 }!.sha1)
    }

    @Test func checksumListsParseAsTheSiteWritesThem() throws {
        let md5 = String(repeating: "a", count: 32)
        let list = try ChecksumList(parsing: "\(md5)  enwiki-1-pages-articles.xml.bz2\n\n\(md5.uppercased()) *binary.bz2\n",
                                    algorithm: .md5, source: "list")
        #expect(list.digests == ["enwiki-1-pages-articles.xml.bz2": md5, "binary.bz2": md5])
        #expect(throws: DownloadError.malformedChecksumList(url: "list", line: 2)) {
            try ChecksumList(parsing: "\(md5)  a\n<html>\n", algorithm: .md5, source: "list")
        }
        #expect(throws: DownloadError.malformedChecksumList(url: "list", line: 1)) {
            try ChecksumList(parsing: "\(md5)  a\n", algorithm: .sha1, source: "list")
        }
    }
}
