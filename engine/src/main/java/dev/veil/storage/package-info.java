/**
 * Table data as immutable Arrow IPC segment files, table versions committed atomically in the
 * catalog, and the loaders (CSV, Arrow IPC, Parquet) that write them. Calls {@code catalog}.
 *
 * <p>Map: {@link dev.veil.storage.Warehouse} opens a directory (lock, catalog, allocator, garbage
 * collection) and hands out {@link dev.veil.storage.TableWriter}s (implemented by
 * {@code ArrowTableWriter}) and {@link dev.veil.storage.BatchScan}s ({@code ArrowSegmentScan},
 * reading each file with {@code SegmentReader} through the mappings of {@code MappedSegments}, or,
 * encrypted, into {@code ReadBuffers}). {@link dev.veil.storage.CsvLoader} parses with
 * {@code CsvReader}, {@code TextValues} and {@code TextColumnWriter}, infers with
 * {@code ColumnGuess}; {@link dev.veil.storage.ArrowFileLoader} imports Arrow IPC files and
 * {@link dev.veil.storage.ParquetFileLoader} Parquet files (Arrow's Dataset module; the files of a
 * folder or pattern come from {@link dev.veil.storage.InputFiles}), both through
 * {@code ArrowFileLoader.appendAll}; {@link dev.veil.storage.ParquetFileWriter} writes rows as a
 * Parquet file ({@code COPY ... TO}). {@link dev.veil.storage.UploadArea} holds the files clients
 * upload to a server for a load ({@code veil load --url}), encrypted in an encrypted warehouse.
 * {@link dev.veil.storage.NewWarehouse} makes a new warehouse all or nothing ({@code veil init}).
 * {@link dev.veil.storage.SegmentRewrite} commits new versions of several tables at once with rows
 * deleted or changed by a {@link dev.veil.storage.RowEdit} (erasure), and
 * {@link dev.veil.storage.Warehouse#collectGarbage(long)} (VACUUM) deletes the files it replaced
 * once no running statement can read them. An encrypted warehouse ({@link dev.veil.storage.WarehouseKeys},
 * {@code Keyring}, {@link dev.veil.storage.MasterKey}) reads and writes every segment through
 * {@code DecryptingChannel} / {@code EncryptingChannel} (the format is {@code EncryptedFiles}), keeps
 * the chunks it has opened in {@link dev.veil.storage.PlainChunks} (memory from the process's pool
 * through {@link dev.veil.storage.CacheMemory}), and
 * keeps its catalog as an encrypted base image and an append-only encrypted log of the blocks each
 * commit changed ({@code EncryptedCatalogImage}, a {@link dev.veil.catalog.CatalogImage}). The
 * on-disk format and its crash guarantees are described in {@code docs/storage.md}.
 */
package dev.veil.storage;
