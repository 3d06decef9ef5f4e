package dev.veil.server;

import org.apache.calcite.avatica.remote.Service;

/** The connection an Avatica request is about. Every request of the protocol names one. */
final class RequestConnections {
    private RequestConnections() {}

    /** The request's connection id; null only for a request type this server does not know. */
    static String connectionId(Service.Request request) {
        if (request instanceof Service.OpenConnectionRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.CloseConnectionRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.ConnectionSyncRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.DatabasePropertyRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.CreateStatementRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.CloseStatementRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.PrepareAndExecuteRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.PrepareRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.ExecuteRequest r) {
            return r.statementHandle == null ? null : r.statementHandle.connectionId;
        } else if (request instanceof Service.FetchRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.SyncResultsRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.PrepareAndExecuteBatchRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.ExecuteBatchRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.CommitRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.RollbackRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.CatalogsRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.SchemasRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.TablesRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.TableTypesRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.TypeInfoRequest r) {
            return r.connectionId;
        } else if (request instanceof Service.ColumnsRequest r) {
            return r.connectionId;
        }
        return null;
    }
}
