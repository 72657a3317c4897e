namespace Dstack.Runtime.Backends;

/// <summary>What the cloud backends (aws, gcp, azure) share about the VMs they make: the project's name and cloud-init.</summary>
public static class CloudInit
{
    /// <summary>The project's name in the account (security group, tags, resource group): a short hash of the state folder.</summary>
    public static string ProjectName(State.DstackHome home) =>
        Dstack.Runtime.Hashing.ShortHash.HexOf(home.Root)[..10];

    /// <summary>
    /// What cloud-init does first: Python for the jobs (with <paramref name="python"/>), and the job folders' parent owned
    /// by the login user. For a run in containers, Docker too: installed when the image has none (a deep-learning image
    /// has it; Ubuntu's does not), started, and usable by the login user (the docker group).
    /// </summary>
    public static string UserData(string user, bool containers, bool python = true)
    {
        var text = $"#cloud-config\n{(python ? "packages: [python3]\n" : string.Empty)}runcmd:\n  - [mkdir, -p, /home/{user}/.dstack-runs]\n  - [chown, {user}, /home/{user}/.dstack-runs]\n";
        return containers
            ? text + $"  - [sh, -c, \"command -v docker >/dev/null 2>&1 || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io)\"]\n  - [usermod, -aG, docker, {user}]\n  - [systemctl, enable, --now, docker]\n"
            : text;
    }
}
