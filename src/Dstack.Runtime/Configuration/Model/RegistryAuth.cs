using System.ComponentModel;
using System.ComponentModel.DataAnnotations;

namespace Dstack.Runtime.Configuration.Model;

/// <summary>Credentials for a private Docker registry. Values may use <c>${{ env.NAME }}</c> and <c>${{ secrets.NAME }}</c>.</summary>
public sealed record RegistryAuth
{
    [Description("The registry user name.")]
    [Required]
    public string Username { get; init; } = string.Empty;

    [Description("The registry password or token; use ${{ env.NAME }} rather than writing it in the file.")]
    [Required]
    public string Password { get; init; } = string.Empty;

    public override string ToString() => $"RegistryAuth {{ Username = {Username}, Password = *** }}";
}
