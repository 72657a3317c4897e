using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>Readers for the service values with several written forms: the gateway and the model.</summary>
public sealed partial class ModelBinder
{
    private GatewayChoice? ReadGateway(YamlNode node, string path)
    {
        if (node is YamlScalar { Kind: ScalarKind.Bool } flag && flag.TryGetBool(out var on))
        {
            return on
                ? throw ValueException.Error(DiagnosticCodes.InvalidService, "The `gateway` property must be a string or boolean `false`, not boolean `true`; write a gateway name, or remove the line to use the default gateway")
                : GatewayChoice.None;
        }

        return ReadString(node, path) is { } name ? new GatewayChoice(name) : null;
    }

    // dstack reads a plain name as {type: chat, name: NAME, format: openai}.
    private ServiceModel? ReadServiceModel(YamlNode node, string path) => node is YamlScalar { Kind: not ScalarKind.Null } scalar
        ? new OpenAIChatModel { Name = scalar.Value }
        : (ServiceModel?)BindVariant(typeof(ServiceModel), node, path);

    /// <summary>
    /// Binds a mapping to the shape of <paramref name="type"/> that its selecting key names (a service model's
    /// <c>format</c>), with dstack's discriminator messages when the key is missing or names no shape.
    /// </summary>
    private object? BindVariant(Type type, YamlNode node, string path)
    {
        var descriptor = ModelDescriptor.For(type);
        var key = descriptor.VariantKey!;
        var allowed = string.Join(", ", descriptor.Variants.Keys.Select(k => $"'{k}'"));
        if (node is not YamlMapping mapping)
        {
            WrongType(node, path, $"a name or a mapping with `{key}`: {string.Join(" or ", descriptor.Variants.Keys)}");
            return null;
        }

        if (mapping.Find(key) is not { } entry)
        {
            _diagnostics.Error(
                DiagnosticCodes.MissingProperty,
                StartOf(mapping),
                $"{path}: Discriminator '{key}' is missing in value; add `{key}:` with one of {string.Join(", ", descriptor.Variants.Keys)}, such as `{key}: {descriptor.Variants.Keys.First()}`");
            return null;
        }

        if (entry.Value is not YamlScalar { Kind: ScalarKind.String } value || !descriptor.Variants.TryGetValue(value.Value, out var shape))
        {
            var written = (entry.Value as YamlScalar)?.Value ?? entry.Value.Describe();
            var guess = DidYouMean.Find(written, descriptor.Variants.Keys)
                ?? descriptor.Variants.Keys.FirstOrDefault(k => string.Equals(k, written, StringComparison.OrdinalIgnoreCase));
            _diagnostics.Error(
                DiagnosticCodes.InvalidEnumValue,
                entry.Value.Span,
                $"{path}.{key}: No match for discriminator '{key}' and value '{written}' (allowed values: {allowed}){(guess is null ? string.Empty : $"; did you mean `{guess}`?")}",
                guess is not null && entry.Value is YamlScalar scalar ? Replacing(scalar, guess) : null);
            return null;
        }

        return BindObject(shape, mapping, path);
    }
}
