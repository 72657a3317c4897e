using System.Collections;
using System.Text;
using System.Text.Json;
using Dstack.Runtime.Configuration.Binding;
using Dstack.Runtime.Configuration.Model;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Configuration.Json;

/// <summary>
/// Writes a configuration in the normalized encoding of reference/dstack-resources.md §0: every property with
/// its default filled in, sizes as binary GB numbers, ranges as {min, max}, the full GPU object, ports as
/// {local_port, container_port}, env as name → value|null, durations as seconds or "off".
/// Literal registry passwords are never written out.
/// </summary>
public static class NormalizedJson
{
    public const string MaskedSecret = "********";

    public static string Serialize(object model, bool indented = true)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions(indented)))
        {
            Write(writer, model);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Options for text that tools and people read, never HTML: messages keep their `, ', " and + as written
    /// instead of the default \u0060-style escapes.
    /// </summary>
    public static JsonWriterOptions WriterOptions(bool indented) =>
        new() { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case Enum e:
                writer.WriteStringValue(EnumName(e));
                break;
            case Memory m:
                writer.WriteNumberValue(m.Gigabytes);
                break;
            case Range<int> r:
                WriteRange(writer, r.Min, r.Max, v => writer.WriteNumberValue(v));
                break;
            case Range<Memory> r:
                WriteRange(writer, r.Min, r.Max, v => writer.WriteNumberValue(v.Gigabytes));
                break;
            case ComputeCapability cc:
                writer.WriteStartArray();
                writer.WriteNumberValue(cc.Major);
                writer.WriteNumberValue(cc.Minor);
                writer.WriteEndArray();
                break;
            case Duration duration:
                if (duration.Seconds is { } seconds)
                {
                    writer.WriteNumberValue(seconds);
                }
                else
                {
                    writer.WriteStringValue("off");
                }

                break;
            case RetrySpec { IsEnabled: false }:
                writer.WriteBooleanValue(false);
                break;
            case EnvVariables env:
                writer.WriteStartObject();
                foreach (var variable in env)
                {
                    writer.WritePropertyName(variable.Name);
                    Write(writer, variable.Value);
                }

                writer.WriteEndObject();
                break;
            case PortMapping port:
                writer.WriteStartObject();
                writer.WritePropertyName("local_port");
                Write(writer, port.LocalPort);
                writer.WriteNumber("container_port", port.ContainerPort);
                writer.WriteEndObject();
                break;
            case NetworkVolumeMount network:
                writer.WriteStartObject();
                writer.WritePropertyName("name");
                Write(writer, network.Name.Count == 1 ? network.Name[0] : network.Name);
                writer.WriteString("path", network.Path);
                writer.WriteEndObject();
                break;
            case InstanceVolumeMount instance:
                writer.WriteStartObject();
                writer.WriteString("instance_path", instance.InstancePath);
                writer.WriteString("path", instance.Path);
                writer.WriteBoolean("optional", instance.Optional);
                writer.WriteEndObject();
                break;
            case GatewayChoice gateway:
                if (gateway.Name is { } name)
                {
                    writer.WriteStringValue(name);
                }
                else
                {
                    writer.WriteBooleanValue(false);
                }

                break;
            case RegistryAuth auth:
                writer.WriteStartObject();
                writer.WriteString("username", auth.Username);
                writer.WriteString("password", IsReference(auth.Password) ? auth.Password : MaskedSecret);
                writer.WriteEndObject();
                break;
            case IEnumerable list:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                WriteObject(writer, value);
                break;
        }
    }

    /// <summary>True for a value that is only a <c>${{ ... }}</c> reference, which is safe to print.</summary>
    public static bool IsReference(string value)
    {
        var trimmed = value.Trim();
        return trimmed.StartsWith("${{", StringComparison.Ordinal) && trimmed.EndsWith("}}", StringComparison.Ordinal) &&
            trimmed.IndexOf("${{", 3, StringComparison.Ordinal) < 0;
    }

    public static string EnumName(Enum value) =>
        ModelBinder.EnumNames(value.GetType()).First(n => Equals(n.Value, value)).Name;

    private static void WriteObject(Utf8JsonWriter writer, object value)
    {
        writer.WriteStartObject();
        foreach (var property in ModelDescriptor.For(value.GetType()).Properties)
        {
            writer.WritePropertyName(property.YamlName);
            Write(writer, property.Property.GetValue(value));
        }

        writer.WriteEndObject();
    }

    private static void WriteRange<T>(Utf8JsonWriter writer, T? min, T? max, Action<T> number)
        where T : struct
    {
        writer.WriteStartObject();
        writer.WritePropertyName("min");
        if (min is { } lo)
        {
            number(lo);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WritePropertyName("max");
        if (max is { } hi)
        {
            number(hi);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteEndObject();
    }
}
