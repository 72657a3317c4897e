using System.Diagnostics.CodeAnalysis;

namespace Dstack.Cli.Runs;

/// <summary>
/// Whether this <c>dstack</c> is its own run controller (<c>dstack controller</c>). True in the portable (JIT) build.
/// The native publish sets the feature switch to false and puts <see cref="SeparateProgram"/> beside <c>dstack</c>:
/// the trimmer then leaves the controller's code (the run loop, provisioning, the services' HTTP endpoint) out of the
/// command every user types, which starts sooner the smaller it is (docs/native.md, docs/performance.md).
/// </summary>
public static class ControllerBuild
{
    /// <summary>The feature switch (<c>RuntimeHostConfigurationOption</c>) that the native publish sets to false.</summary>
    public const string SwitchName = "Dstack.Cli.ControllerBuild.IsBuiltIn";

    /// <summary>The controller's own executable beside a native <c>dstack</c> (src/Dstack.Controller).</summary>
    public const string SeparateProgram = "dstack-controller";

    /// <summary>True unless the feature switch says the controller is <see cref="SeparateProgram"/>.</summary>
    [FeatureSwitchDefinition(SwitchName)]
    public static bool IsBuiltIn => !AppContext.TryGetSwitch(SwitchName, out var builtIn) || builtIn;
}
