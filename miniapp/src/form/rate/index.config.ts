export default definePageConfig({ navigationBarTitleText: '出生“一件事”联办' });
