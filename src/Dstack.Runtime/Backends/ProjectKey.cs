using System.Security.Cryptography;
using System.Text;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Backends;

/// <summary>
/// The one SSH key pair of a state folder that cloud instances authorize (<c>$DSTACK_HOME/ssh/project_key</c>, mode
/// 0600, made once with <c>ssh-keygen</c>): a cloud backend imports its public half (under <see cref="Name"/>) and
/// the SSH path logs in with the private half. Two dstack processes asking at once get the same key.
/// </summary>
/// <param name="PrivateKeyFile">The private key's file.</param>
/// <param name="PublicKey">The public key as one OpenSSH line: <c>ssh-ed25519 AAAA… dstack</c>.</param>
public sealed record ProjectKey(string PrivateKeyFile, string PublicKey)
{
    private const string FileName = "project_key";

    /// <summary>The key pair's name in a cloud account: <c>dstack-</c> and a short hash of the public key, so two state folders never clash.</summary>
    public string Name => "dstack-" + Dstack.Runtime.Hashing.ShortHash.HexOf(PublicKey)[..12];

    /// <summary>The public key line as base64, the form EC2's ImportKeyPair takes from the .NET SDK (it does not encode it).</summary>
    public string PublicKeyBase64 => Convert.ToBase64String(Encoding.UTF8.GetBytes(PublicKey));

    /// <summary>The key of <paramref name="home"/>, made when there is none yet.</summary>
    /// <exception cref="IOException">The key could not be made or read; the message says why.</exception>
    public static ProjectKey Of(DstackHome home)
    {
        var folder = home.SshFolder;
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, FileName);
        if (TryRead(file) is { } existing)
        {
            return existing;
        }

        // One maker at a time: the others wait on the lock file, then find the key made.
        using (var gate = Lock(Path.Combine(folder, FileName + ".lock")))
        {
            if (TryRead(file) is { } made)
            {
                return made;
            }

            var temporary = Path.Combine(folder, $"{FileName}.{Guid.NewGuid():N}");
            var run = ProgramOutput.Run("ssh-keygen", ["-q", "-t", "ed25519", "-N", string.Empty, "-C", "dstack", "-f", temporary], null, TimeSpan.FromSeconds(30));
            if (run.ExitCode != 0 || !File.Exists(temporary) || !File.Exists(temporary + ".pub"))
            {
                File.Delete(temporary);
                File.Delete(temporary + ".pub");
                throw new IOException($"the project's SSH key could not be made with ssh-keygen ({(run.NotStarted is not null ? "ssh-keygen is not installed: install OpenSSH's client" : run.Error.Trim())})");
            }

            if (!OperatingSystem.IsWindows())
            {
                // ssh-keygen writes 0600 already; said again, since ssh refuses a key others can read.
                File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            // The public half first: a reader that finds the private key finds its public half too.
            File.Move(temporary + ".pub", file + ".pub", overwrite: true);
            File.Move(temporary, file, overwrite: true);
        }

        return TryRead(file) ?? throw new IOException($"{file}: the project's SSH key was made but cannot be read back");
    }

    private static ProjectKey? TryRead(string file)
    {
        if (!File.Exists(file) || !File.Exists(file + ".pub"))
        {
            return null;
        }

        var line = File.ReadAllText(file + ".pub").Trim();
        return line.StartsWith("ssh-", StringComparison.Ordinal) ? new ProjectKey(file, line) : null;
    }

    private static FileStream Lock(string path)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20);
            }
        }
    }
}
