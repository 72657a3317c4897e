namespace Dstack.Runtime.Tests.Ssh;

/// <summary>A host made anew at the same address, as a cloud hands a released address to a new machine.</summary>
public sealed partial class NetnsHosts
{
    /// <summary>
    /// Makes host <paramref name="i"/> a new machine at the same address: every process in it is killed, its host key
    /// and its own authorized_keys are deleted, and a new sshd with a new host key is started (and waited for). The
    /// shared client key still logs in.
    /// </summary>
    public void Reinstall(int i)
    {
        KillHost(i);
        _servers[i].Dispose();
        var folder = Path.Combine(Folder, "host" + i);
        foreach (var file in new[] { "host_key", "host_key.pub", "authorized_keys" })
        {
            File.Delete(Path.Combine(folder, file));
        }

        _servers[i] = StartSshd(i);
        WaitUntilListening(i);
    }
}
