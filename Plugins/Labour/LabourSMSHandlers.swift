import HuzhuKit

/// What the farmers' and craftsmen's SMS do: 找人, 接, 完工, 评, and 取消 for their own requests.
/// Replies fit one SMS (≤ 70 characters); a phone number appears only inside a confirmed match.
enum LabourSMSHandlers {
    static func handle(_ labour: LabourStore, _ request: SMSRequest) async throws -> LocalizedText {
        guard let member = request.memberID else { return "" }  // the core answers unregistered senders first
        switch request.intent {
        case LabourSMS.request: return try await ask(labour, request, member: member)
        case LabourSMS.accept: return try await accept(labour, request, worker: member)
        case LabourSMS.done:
            let job = int(request.slots["job"])
            guard try await labour.complete(job: Int64(job), worker: member, scope: [], actor: request.actor) != nil else {
                return LocalizedText(en: "You have no job \(job).", zh: "没有找到您的活\(job)。")
            }
            return LocalizedText(en: "Job \(job) recorded as done. Thank you!", zh: "活\(job)已登记完工，辛苦了！")
        case LabourSMS.rate:
            let job = int(request.slots["job"])
            let stars = int(request.slots["stars"])
            guard try await labour.rate(job: Int64(job), stars: stars, member: member, scope: [], actor: request.actor) != nil else {
                return LocalizedText(en: "You have no job \(job) to rate.", zh: "没有找到您可评价的活\(job)。")
            }
            return LocalizedText(en: "Thank you: job \(job) rated \(stars) stars.", zh: "谢谢评价：活\(job) \(stars)星。")
        default:
            return LocalizedText(en: "This service is not available now.", zh: "该服务暂未开通。")
        }
    }

    /// `找人 插秧 5亩 6月12日 3人`. The stored message id is the request's source, so a gateway's
    /// redelivery of the same message finds the request already made instead of making a second.
    static func ask(_ labour: LabourStore, _ request: SMSRequest, member: Int64) async throws -> LocalizedText {
        guard case .string(let task)? = request.slots["task"], case .string(let date)? = request.slots["date"] else {
            return LocalizedText(en: "Say what and when, e.g. WORK transplant 6/12 3", zh: "请说明农活和日期，如：\(LabourSMS.requestExample)")
        }
        var area: Double?
        switch request.slots["area_mu"] {
        case .double(let value)?: area = value
        case .int(let value)?: area = Double(value)
        default: area = nil
        }
        let crew = max(1, int(request.slots["crew"]))
        let source = request.messageID.map { "sms:\($0)" }
        let created = try await labour.createRequest(
            NewLabourRequest(member: member, task: task, dateFrom: date, dateTo: nil, areaMu: area, crew: crew, source: source),
            scope: [], actor: request.actor)
        let stored: LabourRequest
        if let created {
            stored = created.request
        } else {
            guard let source, let again = try await labour.request(source: source) else { throw HuzhuError(.internal, "the request was not stored") }
            stored = again
        }
        let name = try await labour.tasks.name(stored.task, in: labour)
        let areaText = stored.areaMu.map { "\(LabourFormat.number($0))亩" } ?? ""
        return LocalizedText(
            en: "Request \(stored.id): \(name.en) \(stored.areaMu.map { "\(LabourFormat.number($0)) mu " } ?? "")on \(stored.dateFrom), \(stored.crew) people. We will SMS you. CANCEL \(stored.id) to cancel",
            zh: "已收到找人\(stored.id)：\(LabourFormat.zhDate(stored.dateFrom))\(name.zh)\(areaText)，\(stored.crew)人。找到人后短信通知您。取消请回：取消\(stored.id)")
    }

    static func accept(_ labour: LabourStore, _ request: SMSRequest, worker: Int64) async throws -> LocalizedText {
        let job = int(request.slots["job"])
        let outcome: LabourAcceptOutcome
        do {
            outcome = try await labour.accept(job: Int64(job), worker: worker, actor: request.actor)
        } catch let error as HuzhuError where error.code == .conflict {
            // Two of this worker's accepts raced: the store's one-job-a-day rule refused the second.
            return LocalizedText(en: "You already have a job that day; job \(job) was not taken.", zh: "您那天已有活，不能再接活\(job)。")
        }
        switch outcome {
        case .placed(let placed, let complete, let task, let farmer, let phone):
            let rest = complete ? "" : LocalizedText(en: " More hands are being found.", zh: "还在找其他人。").zh
            return LocalizedText(
                en: "Job \(job) is yours: \(task.en) on \(placed.day), farmer \(farmer) \(LabourFormat.phone(phone)).\(complete ? "" : " More hands are being found.")",
                zh: "接活成功！活\(job)：\(LabourFormat.zhDate(placed.day))\(task.zh)，农户\(farmer) \(LabourFormat.phone(phone))。\(rest)")
        case .taken: return LocalizedText(en: "Sorry, job \(job) has been taken.", zh: "抱歉，活\(job)已有人接了。")
        case .already: return LocalizedText(en: "Job \(job) is already yours.", zh: "您已接了活\(job)，不用重复回复。")
        case .noOffer: return LocalizedText(en: "No job \(job) was offered to you.", zh: "没有给您推送过活\(job)。")
        case .expired: return LocalizedText(en: "The offer of job \(job) has expired.", zh: "活\(job)的邀请已过期。")
        case .busy(let other):
            return LocalizedText(en: "You already have job \(other) that day; job \(job) was not taken.", zh: "您那天已有活\(other)，不能再接活\(job)。")
        }
    }

    /// `取消 <ref>`: the sender's own open request numbered ref; nil when they have none.
    static func cancel(_ labour: LabourStore, _ request: SMSRequest, ref: Int64) async throws -> LocalizedText? {
        guard let member = request.memberID else { return nil }
        // 取消 asks every plugin in turn: a number that is not this farmer's request costs one read here,
        // not a write transaction.
        enum OwnRequest: PreparedStatementName {}
        guard try await labour.exists(OwnRequest.self, "SELECT 1 FROM labour_request WHERE id = \(ref) AND member_id = \(member)") else { return nil }
        do {
            guard try await labour.cancelRequest(ref, member: member, scope: [], actor: request.actor) != nil else { return nil }
            return LocalizedText(en: "Request \(ref) cancelled.", zh: "已取消找人\(ref)。")
        } catch let error as HuzhuError where error.code == .conflict {
            return LocalizedText(en: "Request \(ref) can no longer be cancelled.", zh: "找人\(ref)已完成或已取消，不能再取消。")
        }
    }

    static func int(_ value: JSONValue?) -> Int {
        switch value {
        case .int(let v)?: v
        case .double(let v)?: Int(v)
        default: 0
        }
    }
}

extension LabourStore {
    func request(source: String) async throws -> LabourRequest? {
        try await read { connection in
            try await connection.query("SELECT \(unescaped: LabourRequest.columns) FROM labour_request r WHERE r.source = \(source)", logger: logger)
                .decode(LabourRequest.Row.self).firstElement().map(LabourRequest.init)
        }
    }
}
