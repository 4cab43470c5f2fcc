#include "os/system_host.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sys/utsname.h>
#include <unistd.h>

namespace sysknob::os {

std::string SystemHost::now_utc()
{
    // UTC from the calendar arithmetic of <chrono>: gmtime() and strftime()
    // load the time zone (tzset reads /etc/localtime) on every apply for a
    // result that does not use it.
    using namespace std::chrono;
    auto now = floor<seconds>(system_clock::now());
    auto day = floor<days>(now);
    year_month_day date{day};
    hh_mm_ss time{now - day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02ldZ", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
                  static_cast<long>(time.seconds().count()));
    return buf;
}

std::string SystemHost::hostname()
{
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return host;
}

std::string SystemHost::user()
{
    // The uid, plus who asked through sudo; no NSS look-up (it may reach
    // nscd or LDAP) on the path of every apply.
    std::string user = "uid " + std::to_string(::geteuid());
    if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo) user += " (sudo by " + std::string(sudo) + ")";
    return user;
}

std::string SystemHost::kernel_release()
{
    struct utsname u {};
    if (::uname(&u) != 0) return "0";
    return u.release;
}

}  // namespace sysknob::os
