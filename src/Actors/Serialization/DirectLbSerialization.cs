using Akka.Configuration;

namespace DirectLB.Actors.Serialization;

/// <summary>The HOCON that binds everything persisted or sent between replicas to <see cref="DirectLbSerializer"/>; the Host and the tests both use it.</summary>
public static class DirectLbSerialization
{
    public static Config Config { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.directlb = "{{typeof(DirectLbSerializer).AssemblyQualifiedName}}"
          serialization-bindings {
            "{{typeof(IDirectLbPersisted).AssemblyQualifiedName}}" = directlb
            "{{typeof(IDirectLbMessage).AssemblyQualifiedName}}" = directlb
          }
          serialization-identifiers {
            "{{typeof(DirectLbSerializer).AssemblyQualifiedName}}" = {{DirectLbSerializer.SerializerId}}
          }
        }
        """);
}
