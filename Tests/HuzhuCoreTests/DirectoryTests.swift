import Foundation
import HuzhuCore
import HuzhuKit
import HuzhuTesting
import PostgresNIO
import Testing

/// Directory writes: audited in the same transaction, all-or-nothing, scoped to the caller's villages.
@Suite struct DirectoryTests {
    let logger = TestLog.logger

    struct AuditRow: Equatable {
        var actor: String
        var onBehalfOf: Int64?
        var action: String
        var target: String
        var before: String?
        var after: String?
    }

    func audit(_ client: PostgresClient) async throws -> [AuditRow] {
        let rows = try await client.query(
            "SELECT actor, on_behalf_of, action, target, before::text, after::text FROM audit_log ORDER BY id", logger: logger)
        var result: [AuditRow] = []
        for try await (actor, onBehalf, action, target, before, after) in rows.decode((String, Int64?, String, String, String?, String?).self) {
            result.append(AuditRow(actor: actor, onBehalfOf: onBehalf, action: action, target: target, before: before, after: after))
        }
        return result
    }

    func count(_ client: PostgresClient, _ table: String) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table)"), logger: logger)
        for try await n in rows.decode(Int.self) { return n }
        return -1
    }

    /// Two villages in one township.
    func places(_ directory: Directory) async throws -> (Int, Int) {
        let township = try await directory.addTownship(name: "古夫镇", actor: .system)
        let a = try await directory.addVillage(townshipID: township, name: "咸水村", latitude: 31.35, longitude: 110.75, actor: .system)
        let b = try await directory.addVillage(townshipID: township, name: "青草村", latitude: 31.33, longitude: 110.78, actor: .system)
        return (a, b)
    }

    @Test func addingAMemberNormalisesThePhoneAndAuditsTheActor() async throws {
        try await withTestStore { store, client in
            let directory = Directory(store: store)
            let (village, _) = try await places(directory)
            let member = try await directory.addMember(
                NewMember(villageID: village, name: " 张三 ", phone: "+86 138-0013-8000"), actor: .staff("li"))
            #expect(member.name == "张三")
            #expect(member.phone?.e164 == "+8613800138000")
            let found = try await directory.member(phone: try PhoneNumber(parsing: "008613800138000"))
            #expect(found?.id == member.id)

            let last = try #require(try await audit(client).last)
            #expect(last.actor == "staff:li")
            #expect(last.action == "member.add")
            #expect(last.target == "member:\(member.id)")
            #expect(last.after?.contains("+8613800138000") == true)
            #expect(last.before == nil)
        }
    }

    @Test func editsRecordBeforeAfterAndOnBehalf() async throws {
        try await withTestStore { store, client in
            let directory = Directory(store: store)
            let (village, _) = try await places(directory)
            let elder = try await directory.addMember(NewMember(villageID: village, name: "王奶奶"), actor: .staff("li"))
            // 全程代理: staff change the elder's record for her.
            let edited = try await directory.editMember(elder.id, MemberChanges(phone: "13900139000", optedOut: true),
                                                        actor: .staff("li", onBehalfOf: elder.id))
            #expect(edited.phone?.e164 == "+8613900139000")
            #expect(edited.optedOut)
            let last = try #require(try await audit(client).last)
            #expect(last.action == "member.edit")
            #expect(last.onBehalfOf == elder.id)
            #expect(last.before?.contains("\"phone\": null") == true)
            #expect(last.after?.contains("+8613900139000") == true)
        }
    }

    @Test func aRefusedWriteLeavesNeitherRowNorAudit() async throws {
        try await withTestStore { store, client in
            let directory = Directory(store: store)
            let (village, _) = try await places(directory)
            _ = try await directory.addMember(NewMember(villageID: village, name: "张三", phone: "13800138000"), actor: .staff("li"))
            let membersBefore = try await count(client, "member")
            let auditBefore = try await count(client, "audit_log")

            let duplicate = await #expect(throws: HuzhuError.self) {
                try await directory.addMember(NewMember(villageID: village, name: "李四", phone: "+8613800138000"), actor: .staff("li"))
            }
            #expect(duplicate?.code == .conflict)
            let invalid = await #expect(throws: HuzhuError.self) {
                try await directory.addMember(NewMember(villageID: village, name: "李四", phone: "12345"), actor: .staff("li"))
            }
            #expect(invalid?.code == .invalid)
            let noVillage = await #expect(throws: HuzhuError.self) {
                try await directory.addMember(NewMember(villageID: 999_999, name: "李四"), actor: .staff("li"))
            }
            #expect(noVillage?.code == .notFound)

            let membersAfter = try await count(client, "member")
            let auditAfter = try await count(client, "audit_log")
            #expect(membersAfter == membersBefore)
            #expect(auditAfter == auditBefore)
        }
    }

    @Test func aScopedCallerSeesAndChangesOnlyItsVillages() async throws {
        try await withTestStore { store, client in
            let directory = Directory(store: store)
            let (mine, theirs) = try await places(directory)
            let neighbour = try await directory.addMember(NewMember(villageID: theirs, name: "张邻居"), actor: .system)
            _ = try await directory.addMember(NewMember(villageID: mine, name: "张本村"), actor: .system)

            let seen = try await directory.findMembers("张", scope: [mine])
            #expect(seen.map(\.name) == ["张本村"])
            let hidden = try await directory.member(neighbour.id, scope: [mine])
            #expect(hidden == nil)
            let edit = await #expect(throws: HuzhuError.self) {
                try await directory.editMember(neighbour.id, MemberChanges(name: "改名"), scope: [mine], actor: .staff("cadre1"))
            }
            #expect(edit?.code == .notFound)
            let add = await #expect(throws: HuzhuError.self) {
                try await directory.addMember(NewMember(villageID: theirs, name: "新人"), scope: [mine], actor: .staff("cadre1"))
            }
            #expect(add?.code == .denied)
        }
    }

    @Test func likeWildcardsInNamesAreLiteral() async throws {
        try await withTestStore { store, client in
            let directory = Directory(store: store)
            let (village, _) = try await places(directory)
            _ = try await directory.addMember(NewMember(villageID: village, name: "张三"), actor: .system)
            let found = try await directory.findMembers("%")
            #expect(found.isEmpty)
        }
    }
}
