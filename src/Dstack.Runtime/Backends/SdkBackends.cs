using System.Diagnostics.CodeAnalysis;

namespace Dstack.Runtime.Backends;

/// <summary>
/// Whether this build has the backends whose cloud SDKs need reflection over unreferenced code or code generated at
/// run time (GCP through Google.Apis.Auth and Newtonsoft.Json, Azure through Azure.ResourceManager). Always true in
/// the portable (JIT) build. The native (Native AOT) build sets the feature switch to false: the trimmer then drops
/// both backends and their SDKs, and config.yml's <c>gcp</c> and <c>azure</c> entries are left out with a warning
/// that names the portable build (docs/native.md).
/// </summary>
public static class SdkBackends
{
    /// <summary>The feature switch (<c>RuntimeHostConfigurationOption</c>) that the native publish sets to false.</summary>
    public const string SwitchName = "Dstack.Runtime.SdkBackends.IsSupported";

    /// <summary>The backend types that only the portable build has.</summary>
    public static IReadOnlyList<string> Types { get; } = ["gcp", "azure"];

    /// <summary>True unless the feature switch turns the SDK backends off.</summary>
    [FeatureSwitchDefinition(SwitchName)]
    [FeatureGuard(typeof(RequiresUnreferencedCodeAttribute))]
    [FeatureGuard(typeof(RequiresDynamicCodeAttribute))]
    [UnconditionalSuppressMessage(
        "Trimming",
        "IL4000:Return value does not match FeatureGuardAttribute",
        Justification = "A feature switch: every native or trimmed publish sets it to false (src/NativeAot.props), and the trimmer replaces the property with that constant.")]
    public static bool IsSupported => !AppContext.TryGetSwitch(SwitchName, out var enabled) || enabled;
}
