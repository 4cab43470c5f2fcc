// TCP sockets from NETLINK_SOCK_DIAG: one SOCK_DIAG_BY_FAMILY dump request
// per address family, answered by a stream of inet_diag_msg (linux/inet_diag.h,
// net/ipv4/inet_diag.c inet_diag_dump). A plain netlink socket: the
// messages are fixed structures, and the attributes are not needed.
#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "os/proc_evidence.hpp"

namespace sysknob::os {

namespace {

std::string address(int family, const __be32* a)
{
    char buf[INET6_ADDRSTRLEN] = {};
    ::inet_ntop(family, a, buf, sizeof buf);
    return family == AF_INET6 ? "[" + std::string(buf) + "]" : std::string(buf);
}

Result<void> dump(int fd, uint8_t family, std::vector<doctor::Socket>& out)
{
    struct {
        nlmsghdr nlh;
        inet_diag_req_v2 req;
    } msg{};
    msg.nlh.nlmsg_len = sizeof msg;
    msg.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    msg.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    msg.nlh.nlmsg_seq = family;
    msg.req.sdiag_family = family;
    msg.req.sdiag_protocol = IPPROTO_TCP;
    msg.req.idiag_states = ~0u;  // every state
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd, &msg, sizeof msg, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
        return fail(std::string("cannot query sock_diag: ") + std::strerror(errno), errno);
    alignas(nlmsghdr) char buf[32768];
    for (;;) {
        ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return fail(std::string("cannot read sock_diag: ") + std::strerror(errno), errno);
        if (n == 0) return fail("sock_diag closed the dump early");
        int len = static_cast<int>(n);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_seq != family) continue;
            if (h->nlmsg_type == NLMSG_DONE) return {};
            if (h->nlmsg_type == NLMSG_ERROR) {
                auto* err = static_cast<nlmsgerr*>(NLMSG_DATA(h));
                // No IPv6 in this kernel: no IPv6 sockets either.
                if (family == AF_INET6 && (err->error == -ENOENT || err->error == -EAFNOSUPPORT)) return {};
                return fail(std::string("sock_diag refused the dump: ") + std::strerror(-err->error), -err->error);
            }
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
            auto* m = static_cast<inet_diag_msg*>(NLMSG_DATA(h));
            doctor::Socket s;
            s.state = m->idiag_state == TCP_LISTEN      ? doctor::Socket::State::listen
                      : m->idiag_state == TCP_TIME_WAIT ? doctor::Socket::State::time_wait
                                                        : doctor::Socket::State::other;
            s.local_addr = address(m->idiag_family, m->id.idiag_src);
            s.local_port = ntohs(m->id.idiag_sport);
            s.remote_addr = address(m->idiag_family, m->id.idiag_dst);
            s.remote_port = ntohs(m->id.idiag_dport);
            s.rqueue = m->idiag_rqueue;
            s.wqueue = m->idiag_wqueue;
            out.push_back(std::move(s));
        }
    }
}

}  // namespace

Result<std::vector<doctor::Socket>> sock_diag_tcp()
{
    int fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    if (fd < 0) return fail(std::string("cannot open a sock_diag socket: ") + std::strerror(errno), errno);
    std::vector<doctor::Socket> out;
    auto r = dump(fd, AF_INET, out);
    if (r) r = dump(fd, AF_INET6, out);
    ::close(fd);
    if (!r) return tl::unexpected(r.error());
    return out;
}

}  // namespace sysknob::os
