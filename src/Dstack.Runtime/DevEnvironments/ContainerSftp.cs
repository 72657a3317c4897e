using Dstack.Runtime.Runs;

namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// The sftp side of a dev environment with <c>image:</c> (sftp, <c>scp</c> since OpenSSH 9.0, VS Code's file
/// transfers): the part of the session script that serves an sftp session from an sftp server <b>in the job's
/// container</b>, in its working folder, as the container's user. The image's own <c>sftp-server</c> when it has one
/// at a usual path; otherwise the machine's, copied once into the container (<see cref="CopyFolder"/>) with the
/// dynamic loader and libraries <c>ldd</c> names for it, and started by that loader (<c>ld.so --library-path</c>), so
/// it needs nothing of the image's own libraries (busybox, Alpine's musl).
/// </summary>
/// <remarks>
/// sshd runs the forced session script for the <c>sftp</c> subsystem too, with <c>SSH_ORIGINAL_COMMAND</c> set to
/// the <c>Subsystem</c> line's command (<see cref="SubsystemCommand"/>). The copy goes to a name of its own in
/// <c>/.dstack</c> (<c>docker cp</c>, done by the engine, so the image needs no <c>tar</c>) and becomes
/// <see cref="CopyFolder"/> by a symbolic link made with <c>ln -sn</c>, which fails when another session made it
/// first (that one's copy is kept, this one's removed): sessions racing for the first copy never see half of one.
/// The script needs <c>/bin/sh</c> in the container (every session does) and, for the copy, <c>ldd</c>,
/// <c>mktemp</c> and <c>docker cp</c> on the machine.
/// </remarks>
public static class ContainerSftp
{
    /// <summary>The sftp server the sshd_config's <c>Subsystem sftp</c> names (Debian's), and so the command an sftp session asks for.</summary>
    public const string SubsystemCommand = "/usr/lib/openssh/sftp-server";

    /// <summary>Where the machine's sftp server, its loader (<c>ld.so</c>) and its libraries are copied in the container when the image has none.</summary>
    public const string CopyFolder = "/.dstack/sftp";

    /// <summary>Where OpenSSH's <c>sftp-server</c> is, in this order: Debian/Ubuntu, Fedora/RHEL, Alpine/Arch, others (looked at in the image, then on the machine).</summary>
    public static readonly IReadOnlyList<string> ServerPaths =
    [
        "/usr/lib/openssh/sftp-server",
        "/usr/libexec/openssh/sftp-server",
        "/usr/lib/ssh/sftp-server",
        "/usr/libexec/sftp-server",
    ];

    /// <summary>
    /// The session script's lines (for <c>/bin/sh</c> on the job's machine, the job's environment loaded) that take a
    /// session asking for <see cref="SubsystemCommand"/> and end it: an sftp server in <paramref name="container"/>,
    /// in <paramref name="workingFolder"/>; or, when there can be none, a one-line reason (on stderr, and as the answer
    /// to every sftp request, since sshd drops a subsystem's stderr) and exit code 1. Any other session goes past them.
    /// </summary>
    public static string SessionLines(string container, string workingFolder)
    {
        var q = (Func<string, string>)ShellQuote.Quote;
        var paths = string.Join(' ', ServerPaths);
        var listed = string.Join(", ", ServerPaths);
        var parent = Path.GetDirectoryName(CopyFolder)!;
        var name = Path.GetFileName(CopyFolder);

        // In the container: the image's server, else a copy made before, else none.
        var probe = $"for p in {paths}; do if [ -x \"$p\" ]; then echo \"$p\"; exit 0; fi; done; if [ -x {CopyFolder}/sftp-server ]; then echo copied; else echo none; fi";

        // In the container, as root: the copy becomes the folder unless another session's did first.
        var install = $"cd {parent} && {{ ln -sn \"$0\" {name} 2>/dev/null || rm -rf \"$0\"; }}; [ -x {CopyFolder}/sftp-server ]";

        // In the container: the loader runs the copy with the copied libraries (a server that is not dynamically linked runs alone).
        var run = $"d={CopyFolder}; if [ -x \"$d/ld.so\" ]; then exec \"$d/ld.so\" --library-path \"$d\" \"$d/sftp-server\"; fi; exec \"$d/sftp-server\"";
        var image = string.Join('|', ServerPaths);
        return $$"""
            if [ "${SSH_ORIGINAL_COMMAND:-}" = {{SubsystemCommand}} ]; then
              c={{q(container)}}; w={{q(workingFolder)}}
              # sshd drops what a subsystem writes on stderr: the message goes to the client as the sftp server's
              # answer (protocol version 3) to every request (sftp prints "realpath .: MESSAGE"), until it hangs up.
              dstack_sftp_refuse() {
                msg=$1; LC_ALL=C; echo "$msg" >&2
                u32() { printf "\\$(printf %03o $(($1>>24&255)))\\$(printf %03o $(($1>>16&255)))\\$(printf %03o $(($1>>8&255)))\\$(printf %03o $(($1&255)))"; }
                while h=$(dd bs=1 count=5 2>/dev/null | od -An -tu1) && set -- $h && [ $# -eq 5 ]; do
                  k=$(( ($1<<24) + ($2<<16) + ($3<<8) + $4 - 1 ))
                  if [ "$5" = 1 ]; then
                    dd bs=1 count=$k >/dev/null 2>&1; u32 5; printf '\002'; u32 3
                  else
                    set -- $(dd bs=1 count=4 2>/dev/null | od -An -tu1); [ $# -eq 4 ] || break
                    if [ $k -gt 4 ]; then dd bs=1 count=$((k - 4)) >/dev/null 2>&1; fi
                    u32 $((17 + ${#msg})); printf "\\145\\$(printf %03o $1)\\$(printf %03o $2)\\$(printf %03o $3)\\$(printf %03o $4)"; u32 4; u32 ${#msg}; printf '%s' "$msg"; u32 0
                  fi
                done
                exit 1
              }
              dstack_sftp_copy() {
                m=
                for p in {{paths}}; do if [ -x "$p" ]; then m=$p; break; fi; done
                [ -n "$m" ] || { echo "this machine has no sftp-server either (looked at {{listed}})"; return 1; }
                command -v ldd >/dev/null 2>&1 || { echo "this machine has no ldd to tell what its $m needs"; return 1; }
                st=$(mktemp -d 2>/dev/null) || { echo "mktemp -d failed on this machine"; return 1; }
                n={{name}}-$$-$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n'); b="$st{{parent}}/$n"
                mkdir -p "$b" && cp "$m" "$b/sftp-server" || { rm -rf "$st"; echo "$m could not be copied on this machine"; return 1; }
                if ! ldd "$m" >"$st/ldd" 2>&1 </dev/null; then
                  grep -q 'not a dynamic' "$st/ldd" || { echo "ldd $m failed: $(head -c 200 "$st/ldd" | tr '\n' ' ')"; rm -rf "$st"; return 1; }
                fi
                l=
                while read -r a arrow p rest; do
                  if [ "$arrow" = "=>" ]; then
                    case "$p" in /*) ;; *) echo "$m needs $a, which ldd did not find"; rm -rf "$st"; return 1;; esac
                  else
                    p=$a
                  fi
                  case "$a" in
                    /*) cp -L "$p" "$b/ld.so" || { rm -rf "$st"; echo "$p could not be copied"; return 1; } ;;
                    *) [ "$arrow" = "=>" ] || continue
                       cp -L "$p" "$b/$a" || { rm -rf "$st"; echo "$p could not be copied"; return 1; }
                       if [ "$a" = libc.so.6 ]; then l=${p%/*}; fi ;;
                  esac
                done <"$st/ldd"
                # glibc before 2.34 loads the passwd lookup (sftp-server asks for its user) as a module beside libc.
                for x in libnss_files.so.2 libnss_compat.so.2; do
                  if [ -n "$l" ] && [ -e "$l/$x" ]; then cp -L "$l/$x" "$b/$x"; fi
                done
                rm -f "$st/ldd"
                # Sessions run with the server's umask (077): the container's user, whoever it is, must read and run these.
                chmod -R a+rX "$st"
                if ! out=$(docker cp "$st/." "$c:/" 2>&1 </dev/null); then rm -rf "$st"; echo "docker cp into it failed: $(printf '%s\n' "$out" | tail -n 1)"; return 1; fi
                rm -rf "$st"
                out=$(docker exec -u 0 "$c" /bin/sh -c {{q(install)}} "$n" 2>&1 </dev/null) || { echo "the copy could not be put in place: $(printf '%s\n' "$out" | tail -n 1)"; return 1; }
              }
              found=$(docker exec "$c" /bin/sh -c {{q(probe)}} 2>&1 </dev/null)
              case "$found" in
                {{image}}) exec docker exec -i -w "$w" "$c" "$found" ;;
                copied) ;;
                none)
                  why=$(dstack_sftp_copy) || dstack_sftp_refuse "dstack: no sftp server in the dev environment's container $c: the image has none (looked at {{listed}}) and this machine's could not be copied into {{CopyFolder}} there ($why); install OpenSSH's sftp server in the image (Debian/Ubuntu: openssh-sftp-server; Alpine: openssh-sftp-server)" ;;
                *) dstack_sftp_refuse "dstack: no sftp server in the dev environment's container $c: it could not be looked into ($(printf '%s\n' "$found" | tail -n 1)); the container must be running and have /bin/sh" ;;
              esac
              exec docker exec -i -w "$w" "$c" /bin/sh -c {{q(run)}}
            fi

            """;
    }
}
