import HuzhuConfig
import HuzhuKit
import Testing

/// The error message `TOML.parse` throws for `text`, or nil when it parses (checking the code is `.invalid`).
private func errorMessage(_ text: String) -> String? {
    do {
        _ = try TOML.parse(text)
        return nil
    } catch {
        #expect(error.code == .invalid)
        return error.message.en
    }
}

@Suite struct TOMLTests {
    // MARK: - Supported forms

    @Test func tablesDottedPathsAndComments() throws {
        let doc = try TOML.parse(
            """
            # Huzhu daemon configuration
            name = "huzhu"   # trailing comment

            [console]
            address = "127.0.0.1:7070"

            [plugins.labour]
            enabled = true
            [plugins.culture]
            enabled = false
            """)
        #expect(
            doc == [
                "name": .string("huzhu"),
                "console.address": .string("127.0.0.1:7070"),
                "plugins.labour.enabled": .boolean(true),
                "plugins.culture.enabled": .boolean(false),
            ])
    }

    @Test func emptyDocumentAndEmptyTable() throws {
        #expect(try TOML.parse("").isEmpty)
        #expect(try TOML.parse("\n\n   # only a comment\n\t\n").isEmpty)
        #expect(try TOML.parse("[empty]\n") == [:])
    }

    @Test func crlfLineEndingsAndByteOrderMark() throws {
        let doc = try TOML.parse("\u{FEFF}a = 1\r\n[t]\r\nb = \"x\" # c\r\n")
        #expect(doc == ["a": .integer(1), "t.b": .string("x")])
    }

    @Test func bareQuotedAndDottedKeys() throws {
        let doc = try TOML.parse(
            """
            bare_key-1 = 1
            "quoted key" = 2
            'literal "key"' = 3
            site . "google.com" = 4
            a.b.c = 5
            [ spaced . header ]
            "" = 6
            """)
        #expect(doc["bare_key-1"] == .integer(1))
        #expect(doc["quoted key"] == .integer(2))
        #expect(doc["literal \"key\""] == .integer(3))
        #expect(doc["site.google.com"] == .integer(4))
        #expect(doc["a.b.c"] == .integer(5))
        #expect(doc["spaced.header."] == .integer(6))
        #expect(doc.count == 6)
    }

    @Test func dottedKeysInsideATable() throws {
        let doc = try TOML.parse(
            """
            [fruit]
            apple.color = "red"
            apple.taste.sweet = true
            [fruit.apple.texture]
            smooth = true
            """)
        #expect(
            doc == [
                "fruit.apple.color": .string("red"),
                "fruit.apple.taste.sweet": .boolean(true),
                "fruit.apple.texture.smooth": .boolean(true),
            ])
    }

    @Test func parentTableMayBeDefinedAfterItsChild() throws {
        let doc = try TOML.parse("[a.b]\nx = 1\n[a]\ny = 2\n")
        #expect(doc == ["a.b.x": .integer(1), "a.y": .integer(2)])
    }

    @Test func basicStringEscapes() throws {
        let doc = try TOML.parse(
            #"""
            s = "quote \" backslash \\ nl \n tab \t cr \r"
            u = "\u4E92\u52A9 \U0001F600"
            raw = "tab	inside"
            """#)
        #expect(doc["s"] == .string("quote \" backslash \\ nl \n tab \t cr \r"))
        #expect(doc["u"] == .string("互助 😀"))
        #expect(doc["raw"] == .string("tab\tinside"))
    }

    @Test func literalStringsKeepBackslashes() throws {
        let doc = try TOML.parse(#"path = 'C:\Users\huzhu\n'"#)
        #expect(doc["path"] == .string(#"C:\Users\huzhu\n"#))
    }

    @Test func hashInsideStringIsNotAComment() throws {
        let doc = try TOML.parse(#"a = "x # y" # real comment"#)
        #expect(doc["a"] == .string("x # y"))
    }

    @Test func multilineBasicStrings() throws {
        let doc = try TOML.parse(
            #"""
            greeting = """
            你好，
            world \u0021"""
            joined = """\
                The quick \
                fox."""
            quotes = """He said "hi"."""
            ends = """two quotes"""""
            after = 1
            """#)
        #expect(doc["greeting"] == .string("你好，\nworld !"))
        #expect(doc["joined"] == .string("The quick fox."))
        #expect(doc["quotes"] == .string("He said \"hi\"."))
        #expect(doc["ends"] == .string("two quotes\"\""))
        #expect(doc["after"] == .integer(1))  // line counting and parsing continue correctly
    }

    @Test func multilineLiteralStrings() throws {
        let doc = try TOML.parse(
            #"""
            regex = '''
            \d{3} 'one'
            two'''
            """#)
        #expect(doc["regex"] == .string("\\d{3} 'one'\ntwo"))
    }

    @Test func integers() throws {
        let doc = try TOML.parse(
            """
            a = 42
            b = +17
            c = -5
            d = 0
            e = 1_000_000
            f = 0xDEAD_beef
            g = 0o755
            h = 0b1010
            i = 9223372036854775807
            j = -0
            """)
        #expect(doc["a"] == .integer(42))
        #expect(doc["b"] == .integer(17))
        #expect(doc["c"] == .integer(-5))
        #expect(doc["d"] == .integer(0))
        #expect(doc["e"] == .integer(1_000_000))
        #expect(doc["f"] == .integer(0xDEAD_BEEF))
        #expect(doc["g"] == .integer(0o755))
        #expect(doc["h"] == .integer(10))
        #expect(doc["i"] == .integer(Int.max))
        #expect(doc["j"] == .integer(0))
    }

    @Test func floats() throws {
        let doc = try TOML.parse(
            """
            a = 3.5
            b = -0.01
            c = 6.02e23
            d = 1E-3
            e = 1_000.000_1
            f = +1.5e+2
            g = inf
            h = -inf
            i = nan
            """)
        #expect(doc["a"] == .float(3.5))
        #expect(doc["b"] == .float(-0.01))
        #expect(doc["c"] == .float(6.02e23))
        #expect(doc["d"] == .float(0.001))
        #expect(doc["e"] == .float(1000.0001))
        #expect(doc["f"] == .float(150))
        #expect(doc["g"] == .float(.infinity))
        #expect(doc["h"] == .float(-.infinity))
        guard case .float(let nan) = doc["i"] else {
            Issue.record("nan did not parse as a float")
            return
        }
        #expect(nan.isNaN)
    }

    @Test func booleans() throws {
        #expect(try TOML.parse("t = true\nf = false") == ["t": .boolean(true), "f": .boolean(false)])
    }

    @Test func arrays() throws {
        let doc = try TOML.parse(
            """
            empty = []
            ints = [1, 2, 3]
            mixed = ["a", 'b', 1.5, true]
            nested = [[1, 2], [], ["x"]]
            spanning = [
                "one",   # a comment inside
                "two",

                "three", # trailing comma
            ]
            after = "still parsed"
            """)
        #expect(doc["empty"] == .array([]))
        #expect(doc["ints"] == .array([.integer(1), .integer(2), .integer(3)]))
        #expect(doc["mixed"] == .array([.string("a"), .string("b"), .float(1.5), .boolean(true)]))
        #expect(doc["nested"] == .array([.array([.integer(1), .integer(2)]), .array([]), .array([.string("x")])]))
        #expect(doc["spanning"] == .array([.string("one"), .string("two"), .string("three")]))
        #expect(doc["after"] == .string("still parsed"))
    }

    // MARK: - Errors

    @Test func duplicateKey() throws {
        let message = try #require(errorMessage("a = 1\n\nb = 2\na = 3\n"))
        #expect(message.hasPrefix("config line 4: duplicate key 'a' (first defined on line 1)"))
        #expect(message.contains("; define each key once"))
    }

    @Test func duplicateKeyInsideATable() throws {
        let message = try #require(errorMessage("[console]\naddress = \"a\"\naddress = \"b\"\n"))
        #expect(message.hasPrefix("config line 3: duplicate key 'console.address'"))
    }

    @Test func duplicateKeyWhenAValueBecomesATable() throws {
        let underValue = try #require(errorMessage("a = 1\na.b = 2\n"))
        #expect(underValue.hasPrefix("config line 2: duplicate key: 'a' is already a value (line 1)"))
        let overTable = try #require(errorMessage("a.b = 1\na = 2\n"))
        #expect(overTable.hasPrefix("config line 2: duplicate key 'a': it is already a table"))
    }

    @Test func duplicateKeyThroughAQuotedDot() throws {
        let message = try #require(errorMessage("a.b = 1\n\"a.b\" = 2\n"))
        #expect(message.hasPrefix("config line 2: duplicate key 'a.b'"))
    }

    @Test func redefinedTable() throws {
        let message = try #require(errorMessage("[console]\na = 1\n\n[other]\n[console]\n"))
        #expect(message.hasPrefix("config line 5: table [console] is redefined; it was already defined by a header on line 1"))
        #expect(message.hasSuffix("; write each [table] header once and put all its keys under it"))
    }

    @Test func redefinedTableAfterDottedKeys() throws {
        let message = try #require(errorMessage("[fruit]\napple.color = \"red\"\n[fruit.apple]\n"))
        #expect(message.hasPrefix("config line 3: table [fruit.apple] is redefined; it was already defined by dotted keys on line 2"))
    }

    @Test func dottedKeyIntoAHeaderTable() throws {
        let message = try #require(errorMessage("[a.b]\nx = 1\n[a]\nb.y = 2\n"))
        #expect(message.hasPrefix("config line 4: table [a.b] is redefined"))
    }

    @Test func tableOverAValue() throws {
        let same = try #require(errorMessage("a = 1\n[a]\n"))
        #expect(same.hasPrefix("config line 2: table [a] is already defined as a value (line 1)"))
        let under = try #require(errorMessage("a = 1\n[a.b]\n"))
        #expect(under.hasPrefix("config line 2: table [a.b] is under 'a', which is already a value (line 1)"))
    }

    @Test func unterminatedStrings() throws {
        let basic = try #require(errorMessage("a = 1\nb = \"open\nc = 2\n"))
        #expect(basic.hasPrefix("config line 2: the string starting here is not closed"))
        #expect(basic.contains("; end it with \" on the same line"))

        let literal = try #require(errorMessage("x = 'open"))
        #expect(literal.hasPrefix("config line 1: the string starting here is not closed"))

        let multiline = try #require(errorMessage("a = 1\nb = \"\"\"\nline\nline\n"))
        #expect(multiline.hasPrefix("config line 2: the multi-line string starting here is not closed; end it with \"\"\""))

        let escapedQuote = try #require(errorMessage(#"a = "ends with \""#))
        #expect(escapedQuote.hasPrefix("config line 1: the string starting here is not closed"))

        let key = try #require(errorMessage("\n\"open key = 1\n"))
        #expect(key.hasPrefix("config line 2: the string starting here is not closed"))
    }

    @Test func badValues() throws {
        let word = try #require(errorMessage("a = 1\nb = yes\n"))
        #expect(word.hasPrefix("config line 2: 'yes' is not a valid value; write a string in quotes"))
        for bad in [
            "1__000", "_1", "1_", "01", "+0x10", "0xG", "1.", ".5", "1e", "1.2.3", "TRUE", "1979-05-27",
            "99999999999999999999",
        ] {
            let message = errorMessage("v = \(bad)")
            #expect(message?.hasPrefix("config line 1: '\(bad)' is not a valid value") == true, "\(bad)")
        }
        let missing = try #require(errorMessage("\n\na =\n"))
        #expect(missing.hasPrefix("config line 3: a value is missing, found the end of the line"))
    }

    @Test func badEscapes() throws {
        let unknown = try #require(errorMessage(#"a = "C:\path""#))
        #expect(unknown.hasPrefix(#"config line 1: '\p' is not a valid escape in a string"#))
        let shortUnicode = try #require(errorMessage("\n" + #"a = "\u12""#))
        #expect(shortUnicode.hasPrefix(#"config line 2: '\u12' is not a valid Unicode escape"#))
        let surrogate = try #require(errorMessage(#"a = "\uD800""#))
        #expect(surrogate.contains("is not a valid Unicode escape"))
    }

    @Test func malformedArrays() throws {
        let unclosed = try #require(errorMessage("a = [\n1,\n2\n"))
        #expect(unclosed.hasPrefix("config line 1: the array is not closed; end it with ']'"))
        let noComma = try #require(errorMessage("a = [\n 1\n 2\n]"))
        #expect(noComma.hasPrefix("config line 3: expected ',' or ']' in the array, found '2'"))
        let doubleComma = try #require(errorMessage("a = [1,,2]"))
        #expect(doubleComma.hasPrefix("config line 1: a value is missing, found ','"))
    }

    @Test func malformedLines() throws {
        let twoOnALine = try #require(errorMessage("a = 1 b = 2"))
        #expect(twoOnALine.hasPrefix("config line 1: unexpected 'b' after the value"))
        let noEquals = try #require(errorMessage("\nname \"x\""))
        #expect(noEquals.hasPrefix("config line 2: expected '=' after the key 'name'"))
        let noKey = try #require(errorMessage("= 1"))
        #expect(noKey.hasPrefix("config line 1: expected a key, found '='"))
        let openHeader = try #require(errorMessage("[console\nx = 1"))
        #expect(openHeader.hasPrefix("config line 1: the table header is not closed"))
        let afterHeader = try #require(errorMessage("[console] x = 1"))
        #expect(afterHeader.hasPrefix("config line 1: unexpected 'x' after the table header"))
    }

    @Test func unsupportedForms() throws {
        let inline = try #require(errorMessage("a = { b = 1 }"))
        #expect(inline.hasPrefix("config line 1: inline tables ({ ... }) are not supported"))
        let arrayOfTables = try #require(errorMessage("[[item]]"))
        #expect(arrayOfTables.hasPrefix("config line 1: arrays of tables ([[...]]) are not supported"))
    }

    @Test func controlCharacterInString() throws {
        let message = try #require(errorMessage("a = \"bell \u{07}\""))
        #expect(message.hasPrefix("config line 1: a string contains the control character U+7"))
    }

    @Test func errorLineCountsMultilineValues() throws {
        let text = """
            a = \"\"\"
            one
            two\"\"\"
            b = [
              1,
            ]
            a = 2
            """
        let message = try #require(errorMessage(text))
        #expect(message.hasPrefix("config line 7: duplicate key 'a' (first defined on line 1)"))
    }
}
