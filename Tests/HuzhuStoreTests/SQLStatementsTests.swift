import HuzhuStore
import Testing

@Suite struct SQLStatementsTests {
    @Test func splitsOnSemicolonsAndTrims() {
        #expect(
            SQLStatements.split("  CREATE TABLE a (x int);\n\n  CREATE TABLE b (y int) ;\n")
                == ["CREATE TABLE a (x int)", "CREATE TABLE b (y int)"])
    }

    @Test func semicolonInsideStringLiteral() {
        #expect(
            SQLStatements.split("INSERT INTO t VALUES ('a;b'); SELECT 1;")
                == ["INSERT INTO t VALUES ('a;b')", "SELECT 1"])
    }

    @Test func doubledQuotesInsideStringLiteral() {
        #expect(
            SQLStatements.split("SELECT 'it''s; fine', 'x'; SELECT '''';SELECT 2")
                == ["SELECT 'it''s; fine', 'x'", "SELECT ''''", "SELECT 2"])
    }

    @Test func backslashIsNotAnEscapeInStandardStrings() {
        // With standard_conforming_strings (PostgreSQL's default) 'C:\' is a complete literal.
        #expect(SQLStatements.split(#"SELECT 'C:\'; SELECT 2;"#) == [#"SELECT 'C:\'"#, "SELECT 2"])
    }

    @Test func escapeStringsWithBackslashes() {
        #expect(
            SQLStatements.split(#"SELECT E'it\'s; here', e'back\\'; SELECT E'a''b;c';"#)
                == [#"SELECT E'it\'s; here', e'back\\'"#, "SELECT E'a''b;c'"])
    }

    @Test func identifierEndingInEIsNotAnEscapeStringPrefix() {
        // ESCAPE'\' (no space) is a plain literal holding one backslash, not the start of E'...'.
        #expect(
            SQLStatements.split(#"SELECT 1 WHERE 'a' LIKE 'a' ESCAPE'\'; SELECT 2;"#)
                == [#"SELECT 1 WHERE 'a' LIKE 'a' ESCAPE'\'"#, "SELECT 2"])
    }

    @Test func quotedIdentifiers() {
        #expect(
            SQLStatements.split(#"CREATE TABLE "odd;name" ("col""; x" int); DROP TABLE "odd;name";"#)
                == [#"CREATE TABLE "odd;name" ("col""; x" int)"#, #"DROP TABLE "odd;name""#])
    }

    @Test func lineComments() {
        let sql = """
            -- leading comment; not a statement
            SELECT 1; -- trailing; comment
            SELECT 'a--b'; -- quotes in comments ' are ignored
            SELECT 3 - -1;
            """
        #expect(
            SQLStatements.split(sql)
                == [
                    "-- leading comment; not a statement\nSELECT 1",
                    "-- trailing; comment\nSELECT 'a--b'",
                    "-- quotes in comments ' are ignored\nSELECT 3 - -1",
                ])
    }

    @Test func nestedBlockComments() {
        let sql = "SELECT /* outer; /* inner; */ still comment; */ 1; SELECT 2 /* ' \" $$ */;"
        #expect(
            SQLStatements.split(sql)
                == ["SELECT /* outer; /* inner; */ still comment; */ 1", #"SELECT 2 /* ' " $$ */"#])
    }

    @Test func dollarQuotedBodies() {
        let sql = """
            CREATE FUNCTION f() RETURNS int AS $$
            BEGIN
                PERFORM 'x;'; RETURN 1;
            END;
            $$ LANGUAGE plpgsql;
            SELECT f();
            """
        #expect(
            SQLStatements.split(sql)
                == [
                    "CREATE FUNCTION f() RETURNS int AS $$\nBEGIN\n    PERFORM 'x;'; RETURN 1;\nEND;\n$$ LANGUAGE plpgsql",
                    "SELECT f()",
                ])
    }

    @Test func taggedDollarQuotesNest() {
        let sql = """
            DO $outer$ BEGIN EXECUTE $inner$ SELECT 1; $inner$; PERFORM '$$;'; END $outer$;
            SELECT $body$ a;b $body$;
            """
        #expect(
            SQLStatements.split(sql)
                == [
                    "DO $outer$ BEGIN EXECUTE $inner$ SELECT 1; $inner$; PERFORM '$$;'; END $outer$",
                    "SELECT $body$ a;b $body$",
                ])
    }

    @Test func positionalParametersAreNotDollarQuotes() {
        #expect(
            SQLStatements.split("PREPARE p AS SELECT $1, $2; SELECT 3;")
                == ["PREPARE p AS SELECT $1, $2", "SELECT 3"])
    }

    @Test func dollarInsideAnIdentifierIsNotADollarQuote() {
        // PostgreSQL allows $ inside identifiers; a$b$c is one identifier, not a $b$ quote.
        #expect(
            SQLStatements.split("SELECT 1 AS a$b$c; SELECT 2;") == ["SELECT 1 AS a$b$c", "SELECT 2"])
    }

    @Test func trailingStatementWithoutSemicolon() {
        #expect(SQLStatements.split("SELECT 1;\nSELECT 2\n") == ["SELECT 1", "SELECT 2"])
        #expect(SQLStatements.split("SELECT 1") == ["SELECT 1"])
    }

    @Test func emptyStatementsAndCommentOnlyTextDropped() {
        #expect(SQLStatements.split("") == [])
        #expect(SQLStatements.split(" ;; \n ; ") == [])
        #expect(SQLStatements.split("SELECT 1;;;\n;SELECT 2;") == ["SELECT 1", "SELECT 2"])
        #expect(SQLStatements.split("SELECT 1;\n-- the end; really\n/* and; this */\n") == ["SELECT 1"])
        #expect(SQLStatements.split("-- nothing but; a comment") == [])
    }

    @Test func unterminatedConstructsDoNotCrashAndKeepTheRest() {
        #expect(SQLStatements.split("SELECT 'open; SELECT 2") == ["SELECT 'open; SELECT 2"])
        #expect(SQLStatements.split("SELECT $$ open; SELECT 2") == ["SELECT $$ open; SELECT 2"])
        #expect(SQLStatements.split("SELECT 1 /* open; SELECT 2") == ["SELECT 1 /* open; SELECT 2"])
        #expect(SQLStatements.split(#"SELECT E'\"#) == [#"SELECT E'\"#])
    }
}
