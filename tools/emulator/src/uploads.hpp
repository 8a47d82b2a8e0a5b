// Uploads (3.0 and 1.1): a raw file or multipart/form-data with an optional activity part,
// stored in memory and served back at GET /attachments/{id}/{name}.
#pragma once

#include "context.hpp"

namespace dlemu {

void upload(Context &ctx, const RequestContext &request, Reply reply, ApiVersion version);
void attachment(Context &ctx, const RequestContext &request, Reply reply);

}  // namespace dlemu
