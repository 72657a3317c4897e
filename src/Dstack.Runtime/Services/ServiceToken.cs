using System.Security.Cryptography;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Services;

/// <summary>
/// The bearer token that a service with <c>auth: true</c> requires: one per user, made on first use in
/// <see cref="DstackHome.ServiceTokenFile"/> (32 random bytes, base64url; the file 0600 from its creation and created
/// exclusively, so one token wins when several processes make it at once), read back after that. A file others can read, or that does not hold a token, is refused with
/// what to do, never silently replaced: services already published with it would lock their callers out.
/// </summary>
public static class ServiceToken
{
    /// <summary>The user's token, made when there is none yet.</summary>
    /// <exception cref="IOException">The file cannot be read or written, others can read it, or it holds no token.</exception>
    public static string GetOrCreate(DstackHome home)
    {
        var path = home.ServiceTokenFile;
        if (Read(path) is { } existing)
        {
            return existing;
        }

        Directory.CreateDirectory(home.Root);
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        try
        {
            // Created exclusively (O_EXCL), so of several processes making it at once exactly one writes its token and
            // the others read that one (a rename is no such guarantee: File.Move may replace a file made meanwhile).
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(path, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(token);
            }

            return token;
        }
        catch (IOException) when (File.Exists(path))
        {
            return Read(path) ?? throw new IOException($"{path} holds no service token; delete it and run again (services published with the old token need the new one)");
        }
    }

    /// <summary>The user's token; null when none was made yet.</summary>
    /// <exception cref="IOException">Others can read the file, or it holds no token.</exception>
    public static string? Read(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        // Made a moment ago by another process that is still writing it: its token is there within microseconds.
        for (var wait = 0; wait < ContentWaits && File.Exists(path) && new FileInfo(path).Length == 0; wait++)
        {
            Thread.Sleep(10);
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new IOException($"{path} can be read or written by other users, so its service token is not secret; run `chmod 600 {path}` (or delete it for a new token)");
        }

        var text = File.ReadAllText(path).Trim();
        return text.Length >= 16 && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? text
            : throw new IOException($"{path} holds no service token (16 or more letters, digits, - or _); delete it and run again for a new one");
    }

    /// <summary>How many times (10 ms apart) an empty token file is looked at again before it counts as holding no token.</summary>
    private const int ContentWaits = 200;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
