-- Written by hand: a deleted product leaving the related lists that named it is the repo's now
-- (deleteProduct's batch, src/products/products.repo.ts), where a reader of the write finds it;
-- the trigger that did it goes.
DROP TRIGGER `products_related_after_delete`;
