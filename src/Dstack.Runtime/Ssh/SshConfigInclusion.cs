
namespace Dstack.Runtime.Ssh;

/// <summary>What <see cref="SshClientConfig.EnsureIncluded"/> did to <c>~/.ssh/config</c>.</summary>
public enum SshConfigInclusion
{
    /// <summary>The <c>Include</c> line was added at the top.</summary>
    Added,

    /// <summary>The file already included dstack's config; nothing was written.</summary>
    AlreadyIncluded,

    /// <summary>
    /// <c>DSTACK_SSH_CONFIG_INCLUDE</c> opted out; the file was not touched. Show
    /// <see cref="SshClientConfig.ConnectCommand"/>, which then passes <c>-F</c>.
    /// </summary>
    OptedOut,
}
