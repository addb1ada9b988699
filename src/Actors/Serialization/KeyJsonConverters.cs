using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using DirectLB.Actors.Domain;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Serialization;

/// <summary>Writes a key type as one string, both as a value and as a dictionary key.</summary>
internal abstract class StringKeyJsonConverter<T> : JsonConverter<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value!.ToString());

    public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        Parse(reader.GetString());

    public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
        writer.WritePropertyName(value!.ToString()!);

    protected abstract T Parse(string? text);
}

/// <summary>A <see cref="ListenerKey"/> as "TCP/80".</summary>
internal sealed class ListenerKeyJsonConverter : StringKeyJsonConverter<ListenerKey>
{
    protected override ListenerKey Parse(string? text)
    {
        var parts = text?.Split('/');
        if (parts is not { Length: 2 } || !Enum.TryParse<TransportProtocol>(parts[0], ignoreCase: true, out var protocol))
        {
            throw new JsonException($"'{text}' is not a listener key like TCP/80");
        }

        return new ListenerKey(protocol, int.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}

/// <summary>A <see cref="TargetKey"/> as "10.0.0.1:8080" or "[fd00::1]:8080".</summary>
internal sealed class TargetKeyJsonConverter : StringKeyJsonConverter<TargetKey>
{
    protected override TargetKey Parse(string? text)
    {
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new JsonException($"'{text}' is not a target key like 10.0.0.1:8080");
        }

        var address = text[..colon];
        return new TargetKey(address.StartsWith('[') ? address[1..^1] : address, port);
    }
}

/// <summary>A <see cref="ServiceKey"/> as "namespace/name" or "namespace/name@cluster", the entity id's form.</summary>
internal sealed class ServiceKeyJsonConverter : StringKeyJsonConverter<ServiceKey>
{
    protected override ServiceKey Parse(string? text)
    {
        try
        {
            return ServiceKey.Parse(text ?? "");
        }
        catch (FormatException ex)
        {
            throw new JsonException(ex.Message, ex);
        }
    }
}
