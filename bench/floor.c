/* floor — the least work a sysctl tool can do, as a lower bound for bench/run.sh.
 *
 *   floor set LIST   for each line "PATH VALUE...": open(PATH, O_WRONLY),
 *                    write(VALUE "\n"), close — no parsing, no checks,
 *                    no comparison (what `sysctl -p` does per key, minus
 *                    its parsing).
 *   floor get LIST   for each line "PATH [...]": open(PATH, O_RDONLY),
 *                    read, close, and print the value (what `sysctl -n` does).
 *
 * LIST is read with one read() loop; lines are split in place. The VALUE is
 * the rest of the line after the first run of blanks. Exit 1 if any file
 * could not be opened, written or read (after trying all of them).
 *
 * Built by bench/run.sh with `cc -O2`. Not part of sysknob.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *slurp(const char *path, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        perror(path);
        exit(1);
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = realloc(buf, cap + 1);
        }
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            perror(path);
            exit(1);
        }
        if (r == 0) break;
        n += (size_t)r;
    }
    close(fd);
    buf[n] = 0;
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "set") != 0 && strcmp(argv[1], "get") != 0)) {
        fprintf(stderr, "usage: floor set|get LIST\n");
        return 64;
    }
    int set = argv[1][0] == 's';
    size_t len;
    char *buf = slurp(argv[2], &len);
    int rc = 0;
    char out[4096];
    size_t outn = 0;
    for (char *line = buf; line < buf + len;) {
        char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        if (!nl) nl = buf + len;
        *nl = 0;
        char *sp = line;
        while (*sp && *sp != ' ' && *sp != '\t') ++sp;
        char *value = sp;
        if (*sp) {
            *sp = 0;
            value = sp + 1;
            while (*value == ' ' || *value == '\t') ++value;
        }
        if (*line && *line != '#') {
            if (set) {
                size_t vl = strlen(value);
                value[vl] = '\n'; /* the byte after the value is the line's NUL: reuse it */
                int fd = open(line, O_WRONLY | O_CLOEXEC);
                if (fd < 0 || write(fd, value, vl + 1) != (ssize_t)(vl + 1)) {
                    fprintf(stderr, "floor: %s: %s\n", line, strerror(errno));
                    rc = 1;
                }
                if (fd >= 0) close(fd);
            } else {
                int fd = open(line, O_RDONLY | O_CLOEXEC);
                ssize_t r = fd < 0 ? -1 : read(fd, out + outn, sizeof out - outn - 1);
                if (r < 0) {
                    fprintf(stderr, "floor: %s: %s\n", line, strerror(errno));
                    rc = 1;
                } else {
                    outn += (size_t)r;
                }
                if (fd >= 0) close(fd);
                if (outn > sizeof out - 512) {
                    if (write(1, out, outn) < 0) rc = 1;
                    outn = 0;
                }
            }
        }
        line = nl + 1;
    }
    if (outn && write(1, out, outn) < 0) rc = 1;
    free(buf);
    return rc;
}
