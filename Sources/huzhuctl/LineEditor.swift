#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CLibEdit

/// The editor libedit's C callbacks reach (one at a time, on the main thread).
nonisolated(unsafe) private var activeEditor: LineEditor?
nonisolated(unsafe) private let promptText: UnsafeMutablePointer<CChar> = strdup("huzhu> ")!

/// libedit: line editing (emacs keys, or whatever ~/.editrc says) and a bounded history file.
///
/// Characters come from `readCharacter` rather than from libedit's own read(), so that while the
/// prompt waits, the caller can also watch the connection and print event lines above the prompt.
final class LineEditor {
    private let editLine: OpaquePointer
    private let history: OpaquePointer
    private var event = HistEvent()
    private let historyPath: String?
    static let historySize: Int32 = 1000

    /// The next character typed, or nil to end input (el_gets then returns nothing).
    var readCharacter: () -> Unicode.Scalar? = { nil }

    init?(historyPath: String?) {
        Self.useUTF8Locale()
        guard let input = fdopen(0, "r"), let output = fdopen(1, "w"), let errors = fdopen(2, "w"),
              let editLine = el_init("huzhuctl", input, output, errors) else { return nil }
        guard let history = history_init() else {
            el_end(editLine)
            return nil
        }
        self.editLine = editLine
        self.history = history
        self.historyPath = historyPath
        huzhu_history_set_size(history, &event, Self.historySize)
        huzhu_history_set_unique(history, &event, 1)
        if let historyPath { _ = huzhu_history_load(history, &event, historyPath) }
        huzhu_el_set_history(editLine, history)
        huzhu_el_set_prompt(editLine) { _ in promptText }
        huzhu_el_set_editor(editLine, "emacs")
        huzhu_el_set_getc(editLine) { _, character in
            guard let editor = activeEditor, let scalar = editor.readCharacter() else { return 0 }
            character?.pointee = wchar_t(bitPattern: scalar.value)
            return 1
        }
        el_source(editLine, nil)  // ~/.editrc, if any
        activeEditor = self
    }

    deinit {
        if activeEditor === self { activeEditor = nil }
        history_end(history)
        el_end(editLine)
    }

    /// Reads a line with editing; nil at end of input (Ctrl-D on an empty line).
    func readLine() -> String? {
        var count: Int32 = 0
        guard let line = el_gets(editLine, &count), count > 0 else { return nil }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Adds a line to the history and saves the file (readable by its owner only).
    func remember(_ line: String) {
        huzhu_history_enter(history, &event, line)
        guard let historyPath else { return }
        let fd = open(historyPath, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
        _ = huzhu_history_save(history, &event, historyPath)
    }

    /// Prints lines while the prompt is shown: clears the prompt line, prints, redraws prompt and input.
    func printAbove(_ lines: [String]) {
        guard !lines.isEmpty else { return }
        Terminal.emit("\r\u{1B}[K" + lines.joined(separator: "\r\n") + "\r\n", to: 1)
        huzhu_el_refresh(editLine)
    }

    /// Ctrl-C at the prompt: abandon the line, start a fresh one.
    func interrupt() {
        Terminal.emit("^C\r\n", to: 1)
        huzhu_el_clear_line(editLine)
        huzhu_el_refresh(editLine)
    }

    /// The terminal changed size: take the new width, and redraw the prompt and the line from column 0.
    func resize(redraw: Bool) {
        el_resize(editLine)
        if redraw {
            Terminal.emit("\r\u{1B}[K", to: 1)
            huzhu_el_refresh(editLine)
        }
    }

    /// libedit needs a UTF-8 character type to edit and show Chinese; try the environment's, then common ones.
    private static func useUTF8Locale() {
        for name in ["", "C.UTF-8", "C.utf8", "en_US.UTF-8"] {
            if setlocale(LC_CTYPE, name) != nil, let codeset = nl_langinfo(nl_item(CODESET)),
               String(cString: codeset).uppercased().replacingDash() == "UTF8" {
                return
            }
        }
    }
}

extension String {
    fileprivate func replacingDash() -> String { String(filter { $0 != "-" }) }
}
