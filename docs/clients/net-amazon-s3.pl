use strict; use warnings;
use Net::Amazon::S3;
# Net::Amazon::S3 (Debian's libnet-amazon-s3-perl 0.991) against osslite, SigV4, path style:
# S3_HOST (host:port), S3_ACCESS_KEY, S3_SECRET_KEY name the server.
my $s3 = Net::Amazon::S3->new(aws_access_key_id => $ENV{S3_ACCESS_KEY} // 'osslite', aws_secret_access_key => $ENV{S3_SECRET_KEY} // 'osslite-secret', host => $ENV{S3_HOST} // '127.0.0.1:9000', secure => 0, retry => 0, use_virtual_host => 0, authorization_method => 'Net::Amazon::S3::Signature::V4');
my $b = $s3->add_bucket({ bucket => 'perl-b1' }) or die "add_bucket: " . ($s3->errstr // '');
print "bucket ok\n";
$b->add_key('k 1+2', 'value', { content_type => 'text/plain' }) or die "add_key: " . $s3->errstr;
my $v = $b->get_key('k 1+2') or die "get_key: " . $s3->errstr;
print "get: $v->{value} $v->{content_type}\n";
my $l = $b->list_all or die "list: " . $s3->errstr;
print "list: ", join(",", map { $_->{key} } @{$l->{keys}}), "\n";
my $h = $b->head_key('k 1+2'); print "head: ", ($h ? $h->{content_length} : 'undef'), "\n";
$b->copy_key('k2', '/perl-b1/k%201%2B2') or die "copy: " . $s3->errstr;
my $c = $b->get_key('k2') or die "get copy: " . $s3->errstr;
print "copy: $c->{value}\n";
$b->delete_key('k 1+2') or die "del: " . $s3->errstr;
$b->delete_key('k2');
my $r = $b->delete_bucket or die "delete_bucket: " . $s3->errstr;
print "done\n";
