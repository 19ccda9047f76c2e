using EvolveDb.Metadata;
using EvolveDb.Migration;

namespace MetricsPipeline.Warehouse;

/// <summary>
/// Evolve's migrations: the versioned files as Evolve's own loader finds them (those rewritten after their
/// release reporting their released checksum, see <see cref="RewrittenMigrations"/>), then the SQL layer as
/// repeatable migrations named <c>R__NNN_path</c> (NNN = position, so Evolve's ordering by name is the
/// manifest's), each carrying the checksum of the whole layer.
/// </summary>
internal sealed class LayeredMigrationLoader(IMigrationLoader versioned, RewrittenMigrations rewritten, SqlLayer layer) : IMigrationLoader
{
    public IEnumerable<MigrationScript> GetMigrations() => versioned.GetMigrations().Select(rewritten.Wrap);

    public IEnumerable<MigrationScript> GetRepeatableMigrations() =>
        layer.Files.Select((file, index) => new LayerScript(index, file, layer.Checksum));

    private sealed class LayerScript(int index, SqlLayerFile file, string checksum)
        : MigrationScript(
            version: null!,
            description: $"{index:000} {file.Path}",
            name: $"R__{index:000}_{file.Path.Replace('/', '_')}",
            content: file.Content,
            type: MetadataType.RepeatableMigration)
    {
        public override string CalculateChecksum() => checksum;
    }
}
