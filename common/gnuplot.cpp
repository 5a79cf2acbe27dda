#include "common/gnuplot.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include <gnuplot-iostream.h>

#include "common/errors.hpp"
#include "common/files.hpp"
#include "common/plot.hpp"

namespace nn {

namespace fs = std::filesystem;

namespace gnuplot {

// A gnuplot double-quoted string: only backslash, quote and newline need escaping.
std::string quote(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') { out += "\\n"; continue; }
        out += c;
    }
    return out + "\"";
}

namespace {

// Single-quoted: for gnuplot file names ('' escapes a quote) and for sh ('\'' does).
std::string single_quote(const std::string& text, const std::string& escaped_quote) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? escaped_quote : std::string(1, c);
    return out + "'";
}

std::string quote_shell(const std::string& text) { return single_quote(text, "'\\''"); }

// When gnuplot stops early (on an error in the script), writing the rest of the
// script to its pipe raises SIGPIPE, which would kill the program; blocked here,
// the write fails instead and gnuplot's complaint is reported.
struct SigpipeBlocked {
    sigset_t pipe, old;
    SigpipeBlocked() { sigemptyset(&pipe), sigaddset(&pipe, SIGPIPE), pthread_sigmask(SIG_BLOCK, &pipe, &old); }
    ~SigpipeBlocked() {
        timespec zero{0, 0};
        while (sigtimedwait(&pipe, nullptr, &zero) > 0) {}  // drop the one we caused, if any
        pthread_sigmask(SIG_SETMASK, &old, nullptr);
    }
};

// gnuplot's complaint for the exception: its "line 12: <problem>" (whose number means
// nothing to a reader) or the shell's "gnuplot: not found", spaces collapsed.
std::string gnuplot_complaint(const std::string& log) {
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
        std::string text;
        for (char c : line)
            if (!(c == ' ' && (text.empty() || text.back() == ' '))) text += c;
        if (text.rfind("line ", 0) == 0 && text.find(':') != std::string::npos) return text.substr(text.find(':') + 2);
        if (text.find("not found") != std::string::npos) return text;
    }
    size_t status = log.rfind("exit ");
    return status == std::string::npos ? "no message" : "gnuplot " + log.substr(status, log.find('\n', status) - status);
}

}  // namespace

std::string not_complete(const std::string& file, const std::string& format_of) {
    std::ifstream in(file, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string ext = fs::path(format_of).extension().string();
    if (ext == ".png") {
        static const std::string signature("\x89PNG\r\n\x1a\n", 8);
        static const std::string iend("\0\0\0\0IEND\xae\x42\x60\x82", 12);
        if (bytes.compare(0, 8, signature) != 0) return "the file gnuplot wrote is not a PNG";
        if (bytes.size() < 20 || bytes.compare(bytes.size() - 12, 12, iend) != 0)
            return "the PNG gnuplot wrote is cut short (no IEND chunk: a full disk?)";
    } else if (ext == ".gif") {
        if (bytes.compare(0, 3, "GIF") != 0) return "the file gnuplot wrote is not a GIF";
        if (bytes.back() != '\x3b') return "the GIF gnuplot wrote is cut short (no trailer byte: a full disk?)";
    }
    return "";
}

std::string quote_path(const std::string& path) { return single_quote(path, "''"); }

void render(const std::string& terminal, const std::string& body, const std::string& path) {
    const std::string tmp = path + ".tmp";
    fs::path folder = fs::path(path).parent_path();
    if (!folder.empty() && !fs::is_directory(folder))
        throw std::runtime_error("cannot write " + path + ": no folder " + folder.string());
    std::string log = (fs::temp_directory_path() / "nn-gnuplot-XXXXXX").string();
    int fd = mkstemp(log.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for gnuplot's messages");
    ::close(fd);
    RemovedOnSignal log_guard(log), tmp_guard(tmp);

    {
        SigpipeBlocked guard;
        // gnuplot's stdout is discarded: when `set output` fails it draws there instead.
        Gnuplot gp("gnuplot >/dev/null 2>" + quote_shell(log) + "; echo \"exit $?\" >>" + quote_shell(log));
        gp << terminal << "\nset output " << quote_path(tmp) << "\n" << body << "unset output\nexit\n";
    }  // the destructor waits for gnuplot to finish

    std::ifstream in(log);
    std::string messages((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    fs::remove(log);
    std::error_code ec;
    bool exited_cleanly = messages.size() >= 7 && messages.compare(messages.size() - 7, 7, "exit 0\n") == 0;
    bool ok = exited_cleanly && fs::file_size(tmp, ec) > 0 && !ec;
    // gnuplot exits 0 when the disk fills under it: only a file that ends as its format
    // says it must (a PNG's IEND chunk, a GIF's trailer) is renamed to its final name.
    std::string incomplete = ok ? not_complete(tmp, path) : "";
    if (ok && incomplete.empty()) fs::rename(tmp, path, ec);
    if (!ok || !incomplete.empty() || ec) {
        fs::remove(tmp, ec);
        throw DataError("could not draw " + path + ": " +
                        (incomplete.empty() ? "gnuplot: " + gnuplot_complaint(messages) : incomplete));
    }
}

}  // namespace gnuplot

namespace {

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::istringstream folders(path ? path : "");
    for (std::string folder; std::getline(folders, folder, ':');)
        if (!folder.empty() && ::access((folder + "/" + program).c_str(), X_OK) == 0) return true;
    return false;
}

// gnuplot-nox has no window terminal; gnuplot-qt and gnuplot-x11 install one of these.
bool gnuplot_has_window() {
    for (const char* helper : {"/usr/libexec/gnuplot/5.4/gnuplot_qt", "/usr/libexec/gnuplot/5.4/gnuplot_x11"})
        if (::access(helper, X_OK) == 0) return true;
    return false;
}

// Starts argv detached (double fork, own session), so the window outlives nothing of
// ours, leaves no zombie, and never blocks the program.
void spawn_detached(const std::vector<std::string>& argv) {
    pid_t child = fork();
    if (child < 0) return;
    if (child == 0) {
        setsid();
        if (fork() == 0) {
            int null = open("/dev/null", O_RDWR);
            dup2(null, 0), dup2(null, 1), dup2(null, 2);
            std::vector<char*> args;
            for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
            args.push_back(nullptr);
            execvp(args[0], args.data());
            _exit(127);
        }
        _exit(0);
    }
    waitpid(child, nullptr, 0);
}

void say_once(const std::string& message) {
    static bool said = false;
    if (!said) std::cerr << "--show: " << message << std::endl;
    said = true;
}

}  // namespace

void show_png(const std::string& path) {
    const char* display = std::getenv("DISPLAY");
    if (!display || !*display) return say_once("no display here; the figure is at " + path);
    if (on_path("xdg-open")) return spawn_detached({"xdg-open", path});
    if (gnuplot_has_window()) {
        std::string script = "set size ratio -1; unset border; unset tics; unset key; set title " +
                             gnuplot::quote(path) + " noenhanced; plot " + gnuplot::quote_path(path) +
                             " binary filetype=png with rgbimage";
        return spawn_detached({"gnuplot", "-persist", "-e", script});
    }
    if (on_path("display")) return spawn_detached({"display", path});
    say_once("found no image viewer (install xdg-utils or gnuplot-qt); the figure is at " + path);
}

}  // namespace nn
