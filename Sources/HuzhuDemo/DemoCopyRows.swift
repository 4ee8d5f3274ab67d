/// The household and member tables as COPY rows, once the directory rows above them have database ids.
///
/// Households and members get explicit ids 1, 2, 3 … in generation order: the loader only runs on an empty
/// directory, and knowing the ids up front lets members point at their household without a round trip.
struct DemoCopyRows {
    let data: DemoData
    /// Database id of each village, by index in `data.villages`.
    let villageIDs: [Int32]
    /// Database id of each group, by index in `data.groups`.
    let groupIDs: [Int32]

    static let householdColumns = [
        "id", "village_id", "group_id", "address", "no_labour", "elderly_alone", "low_income", "notes", "is_demo",
    ]

    static let memberColumns = [
        "id", "household_id", "village_id", "name", "phone", "language", "opted_out", "is_demo",
    ]

    func household(_ index: Int, into row: inout CopyTextBuffer) {
        let household = data.households[index]
        row.integer(index + 1)
        row.integer(villageIDs[household.village])
        row.integer(groupIDs[household.group])
        row.text(household.address)
        row.boolean(household.noLabour)
        row.boolean(household.elderlyAlone)
        row.boolean(household.lowIncome)
        row.text(household.notes)
        row.boolean(true)
        row.endRow()
    }

    func member(_ index: Int, into row: inout CopyTextBuffer) {
        let member = data.members[index]
        row.integer(index + 1)
        row.integer(member.household + 1)
        row.integer(villageIDs[member.village])
        row.text(member.name)
        row.text(member.phone)
        row.text("zh")
        row.boolean(false)
        // Demo numbers look real; this flag is what keeps every relay from texting them.
        row.boolean(true)
        row.endRow()
    }
}
