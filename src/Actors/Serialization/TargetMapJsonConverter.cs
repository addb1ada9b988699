using System.Text.Json;
using System.Text.Json.Serialization;
using DirectLB.Actors.Planning;
using DirectLB.Providers.Model;

namespace DirectLB.Actors.Serialization;

/// <summary>
/// A <see cref="TargetMap{T}"/> as the JSON object by target key that the immutable dictionary it replaced wrote, so
/// snapshots written before it read back and after it read the same: <c>{"10.0.0.1:8080": {...}}</c>.
/// </summary>
internal sealed class TargetMapJsonConverter : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(TargetMap<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class Converter<T> : JsonConverter<TargetMap<T>>
        where T : class, IKeyedByTarget
    {
        public override TargetMap<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"targets must be an object by target key, not {reader.TokenType}");
            }

            var keys = (JsonConverter<TargetKey>)options.GetConverter(typeof(TargetKey));
            var values = new Dictionary<TargetKey, T>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var key = keys.ReadAsPropertyName(ref reader, typeof(TargetKey), options);
                reader.Read();
                var value = JsonSerializer.Deserialize<T>(ref reader, options) ?? throw new JsonException($"target {key} is null");
                if (value.Key != key)
                {
                    throw new JsonException($"target {key} holds the target {value.Key}");
                }

                values[key] = value;
            }

            return TargetMap<T>.From(values.Values);
        }

        public override void Write(Utf8JsonWriter writer, TargetMap<T> value, JsonSerializerOptions options)
        {
            var keys = (JsonConverter<TargetKey>)options.GetConverter(typeof(TargetKey));
            writer.WriteStartObject();
            foreach (var item in value.Values)
            {
                keys.WriteAsPropertyName(writer, item.Key, options);
                JsonSerializer.Serialize(writer, item, options);
            }

            writer.WriteEndObject();
        }
    }
}
