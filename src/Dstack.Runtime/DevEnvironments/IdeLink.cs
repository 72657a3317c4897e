using System.Text;
using Dstack.Runtime.Configuration.Model;

namespace Dstack.Runtime.DevEnvironments;

/// <summary>
/// A dev environment's IDE link: <c>vscode://vscode-remote/ssh-remote+RUN/PATH</c> (<c>cursor://…</c> for
/// <c>ide: cursor</c>). Opening it makes the IDE's Remote-SSH extension connect to the SSH host <c>RUN</c> (the entry of
/// the generated SSH config) and open the folder <c>PATH</c> there.
/// </summary>
public static class IdeLink
{
    /// <summary>The link scheme of <paramref name="ide"/>: <c>vscode</c> or <c>cursor</c>.</summary>
    public static string SchemeOf(IdeKind ide) => ide switch
    {
        IdeKind.Cursor => "cursor",
        _ => "vscode",
    };

    /// <summary>The IDE's name as a configuration writes it (<c>vscode</c>, <c>cursor</c>); also its link scheme.</summary>
    public static string NameOf(IdeKind ide) => SchemeOf(ide);

    /// <summary>The IDE named as in a configuration (<c>vscode</c>, <c>cursor</c>); null for an unknown name.</summary>
    public static IdeKind? Parse(string? name) => name switch
    {
        "vscode" => IdeKind.VsCode,
        "cursor" => IdeKind.Cursor,
        _ => null,
    };

    /// <summary>
    /// The link that opens <paramref name="path"/> (absolute, on the environment's machine) over the SSH host
    /// <paramref name="sshHost"/>. Each path segment is percent-encoded (RFC 3986 unreserved characters and
    /// <c>@ : + , ; = ! $ &amp; ' ( ) *</c> stay as they are), so a folder with spaces or <c>#</c> still opens.
    /// </summary>
    /// <exception cref="ArgumentException">The path is not absolute, or the host alias is empty.</exception>
    public static string For(IdeKind ide, string sshHost, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(sshHost);
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!path.StartsWith('/'))
        {
            throw new ArgumentException($"the folder to open must be an absolute path, not \"{path}\"", nameof(path));
        }

        var trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return $"{SchemeOf(ide)}://vscode-remote/ssh-remote+{Encode(sshHost)}{string.Join('/', trimmed.Split('/').Select(Encode))}";
    }

    private static string Encode(string segment)
    {
        var text = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(segment))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '@' or ':' or '+' or ',' or ';' or '=' or '!' or '$' or '&' or '\'' or '(' or ')' or '*')
            {
                text.Append(c);
            }
            else
            {
                text.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return text.ToString();
    }
}
